import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLab, listLabFiles, readLab } from '../../src/config/labs.ts';
import { formatProblem, UsageError } from '../../src/core/errors.ts';
import { LAB03_FILE, LAB03_ID, LABS_DIR, lab03Text, WHOAMI_CONTEXT } from '../helpers/lab03.ts';
import { tmpDir, writeTree } from '../helpers/tmp.ts';

/** A valid lab file for `id`, without a build (so no Dockerfile is needed). */
const labYaml = (id: string, extra = ''): string =>
  [
    `id: ${id}`,
    'title: Extra lab',
    'summary: A lab made by a test.',
    'goals: [Be found]',
    'app:',
    '  image: lab/extra:1',
    '  port: 8000',
    '  health: /health',
    'loadBalancer:',
    '  image: haproxy:3.0',
    extra,
  ].join('\n');

const thrown = (fn: () => unknown): UsageError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error('expected a UsageError');
};

describe('findLab', () => {
  it.each(['03', '3', '03-load-balancing'])('resolves %j to lab 03', (ref) => {
    expect(findLab(ref, [LABS_DIR])).toEqual({ id: LAB03_ID, file: LAB03_FILE });
  });

  it('finds lab 03 in the default directories', () => {
    expect(findLab('03').file).toBe(LAB03_FILE);
  });

  it.each(['99', '11', '03-load', 'load-balancing', '003', ''])(
    '%j is not a lab: the error lists the labs that exist',
    (ref) => {
      const e = thrown(() => findLab(ref, [LABS_DIR]));
      expect(e.message).toBe(
        `No lab "${ref}". Labs: 01-scale-up-vs-out, 02-haproxy-config, ${LAB03_ID}, 04-l4-vs-l7, 05-algorithms, 06-sticky-sessions, 07-failover, 08-rolling-update, 09-multi-zone, 10-chaos`,
      );
      expect(e.hint).toContain('lab list');
    },
  );

  it.each(['../etc', '03/../x', 'a/b', '..', '..\\03', 'a\\b', '/etc/passwd', '03/'])(
    '%j is rejected for its path separators',
    (ref) => {
      const e = thrown(() => findLab(ref, [LABS_DIR]));
      expect(e.message).toBe(`"${ref}" is not a lab id: lab ids have no path separators or ".."`);
      expect(e.hint).toContain('lab validate <file>');
    },
  );

  it('finds labs in extra directories, by number and by id, and lists them when not found', async () => {
    const extra = await tmpDir();
    await writeTree(extra, {
      '04-extra/lab.yaml': labYaml('04-extra'),
      '12-twelve/lab.yaml': labYaml('12-twelve'),
      'notes/README.md': 'not a lab',
      '07-empty/.keep': '',
    });
    const dirs = [extra, LABS_DIR];
    expect(findLab('4', dirs)).toEqual({ id: '04-extra', file: join(extra, '04-extra', 'lab.yaml') });
    expect(findLab('04-extra', dirs).id).toBe('04-extra');
    expect(findLab('12', dirs).id).toBe('12-twelve');
    expect(findLab('3', dirs).file).toBe(LAB03_FILE);
    expect(thrown(() => findLab('11', dirs)).message).toBe(
      `No lab "11". Labs: 04-extra, 12-twelve, 01-scale-up-vs-out, 02-haproxy-config, ${LAB03_ID}, 04-l4-vs-l7, 05-algorithms, 06-sticky-sessions, 07-failover, 08-rolling-update, 09-multi-zone, 10-chaos`,
    );
    expect(listLabFiles(dirs).map((l) => l.id)).toEqual([
      '04-extra',
      '12-twelve',
      '01-scale-up-vs-out',
      '02-haproxy-config',
      LAB03_ID,
      '04-l4-vs-l7',
      '05-algorithms',
      '06-sticky-sessions',
      '07-failover',
      '08-rolling-update',
      '09-multi-zone',
      '10-chaos',
    ]);
  });

  it('an earlier directory wins for the same id', async () => {
    const extra = await tmpDir();
    await writeTree(extra, { [`${LAB03_ID}/lab.yaml`]: labYaml(LAB03_ID) });
    expect(findLab('03', [extra, LABS_DIR]).file).toBe(join(extra, LAB03_ID, 'lab.yaml'));
    expect(findLab('03', [LABS_DIR, extra]).file).toBe(LAB03_FILE);
  });

  it('skips directories that do not exist, and says (none) when there is no lab at all', async () => {
    const empty = await tmpDir();
    expect(thrown(() => findLab('03', [join(empty, 'missing'), empty])).message).toBe('No lab "03". Labs: (none)');
  });
});

describe('readLab', () => {
  it('loads lab 03 with its build context resolved', () => {
    const { lab, problems } = readLab(LAB03_FILE);
    expect(problems).toEqual([]);
    expect(lab?.lab.id).toBe(LAB03_ID);
    expect(lab?.file).toBe(LAB03_FILE);
    expect(lab?.builds.app?.context).toBe(WHOAMI_CONTEXT.replace(/\/$/, ''));
  });

  it('reports an id that differs from its folder name on the id line', async () => {
    const dir = await tmpDir();
    await writeTree(dir, { '05-other/lab.yaml': `# An instructor's copy\n\n${labYaml('04-extra')}` });
    const { lab, problems } = readLab(join(dir, '05-other', 'lab.yaml'), 'labs/05-other/lab.yaml');
    expect(lab).toBeUndefined();
    expect(problems.map(formatProblem)).toEqual([
      'labs/05-other/lab.yaml:3:1 id: is "04-extra" but the folder is "05-other"; they must match',
    ]);
  });

  it('reports a build context without a Dockerfile at app.build.context', async () => {
    const dir = await tmpDir();
    // Lab 03 itself, copied where ../../compose/whoami does not exist.
    await writeTree(dir, {
      [`labs/${LAB03_ID}/lab.yaml`]: lab03Text(),
      'compose/whoami/README.md': 'no Dockerfile here',
    });
    const file = join(dir, 'labs', LAB03_ID, 'lab.yaml');
    const { lab, problems } = readLab(file, 'lab.yaml');
    expect(lab).toBeUndefined();
    const line =
      lab03Text()
        .split('\n')
        .findIndex((l) => /^\s+context:/.test(l)) + 1;
    expect(problems).toEqual([
      {
        file: 'lab.yaml',
        line,
        col: 5,
        key: 'app.build.context',
        message: `no Dockerfile in ${join(dir, 'compose', 'whoami')}`,
      },
    ]);
  });

  it('reports a build context that does not exist at all', async () => {
    const dir = await tmpDir();
    await writeTree(dir, {
      '06-built/lab.yaml': labYaml('06-built').replace(
        '  image: lab/extra:1',
        '  image: lab/extra:1\n  build:\n    context: ./nowhere',
      ),
    });
    const { problems } = readLab(join(dir, '06-built', 'lab.yaml'), 'x.yaml');
    expect(problems.map(formatProblem)).toEqual([
      `x.yaml:8:5 app.build.context: no Dockerfile in ${join(dir, '06-built', 'nowhere')}`,
    ]);
  });

  it('reports both an id mismatch and a missing Dockerfile at once', async () => {
    const dir = await tmpDir();
    await writeTree(dir, {
      '07-a/lab.yaml': labYaml('07-b').replace(
        '  image: lab/extra:1',
        '  image: lab/extra:1\n  build:\n    context: ./nowhere',
      ),
    });
    const { problems } = readLab(join(dir, '07-a', 'lab.yaml'), 'x.yaml');
    expect(problems.map((p) => `${p.line}:${p.col} ${p.key}`)).toEqual(['1:1 id', '8:5 app.build.context']);
  });

  it('returns parse problems as they are', async () => {
    const dir = await tmpDir();
    await writeTree(dir, { '08-bad/lab.yaml': labYaml('08-bad', 'defaults:\n  replicas: 0') });
    const { problems } = readLab(join(dir, '08-bad', 'lab.yaml'), 'x.yaml');
    expect(problems.map(formatProblem)).toEqual(['x.yaml:12:13 defaults.replicas: must be at least 1']);
  });

  it('reports a missing file instead of throwing', async () => {
    const dir = await tmpDir();
    expect(readLab(join(dir, 'nope.yaml'), 'nope.yaml').problems.map(formatProblem)).toEqual([
      'nope.yaml:1:1 no such file',
    ]);
  });
});
