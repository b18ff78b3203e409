import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.ts';
import { readLab } from '../../src/config/labs.ts';
import { UsageError } from '../../src/core/errors.ts';
import { fakeContext } from '../helpers/fake-context.ts';
import { tmpDir } from '../helpers/tmp.ts';

/** lab new in-process, through the registry: what it writes, with which modes, and what it refuses. */
describe('lab new', () => {
  // A strict umask: the files must still be 0644, as lab says (HAProxy's user reads the starter).
  let umask = 0;
  beforeEach(() => void (umask = process.umask(0o077)));
  afterEach(() => void process.umask(umask));

  const run = async (cwd: string, args: string[], json = false) => {
    const { ctx, stdout } = fakeContext(json, { cwd, env: {} });
    await buildProgram(() => ctx, 'test').parseAsync(['new', ...args], { from: 'user' });
    return stdout.text;
  };

  it('scaffolds a lab that lab validate accepts, in ./labs by default, every file new and 0644, and says what to run next', async () => {
    const cwd = await tmpDir('lab-new-');
    const out = await run(cwd, ['97-sticky-sessions', '--title', 'Sticky: sessions']);
    const dir = join(cwd, 'labs', '97-sticky-sessions');
    for (const f of ['lab.yaml', 'starter.cfg', 'solutions/frontend.cfg']) {
      expect(out).toContain(`wrote ${join(dir, f)}`);
      expect((await stat(join(dir, f))).mode & 0o777, f).toBe(0o644);
    }
    expect((await stat(dir)).mode & 0o777).toBe(0o755);
    expect(out).toContain(`lab validate ${join(dir, 'lab.yaml')}`);
    expect(out).toContain(`LAB_LABS_DIR=${join(cwd, 'labs')} lab test 97`);
    const { lab, problems } = readLab(join(dir, 'lab.yaml'));
    expect(problems).toEqual([]);
    expect(lab?.lab).toMatchObject({
      id: '97-sticky-sessions',
      title: 'Sticky: sessions',
      loadBalancer: { config: 'student' },
    });
    expect(lab?.lab.tasks.map((t) => [t.id, t.title, t.checks.map((c) => c.kind), t.solution])).toEqual([
      [
        'frontend',
        { en: 'A frontend on :8080 that answers', ja: ':8080 で応答する frontend' },
        ['http'],
        'solutions/frontend.cfg',
      ],
    ]);
    expect(lab?.starter).toBe(join(dir, 'starter.cfg'));
  });

  it('--dir and --json: one object naming the files and the next commands; a folder of LAB_LABS_DIR needs no LAB_LABS_DIR= in them', async () => {
    const cwd = await tmpDir('lab-new-');
    const { ctx, stdout } = fakeContext(true, { cwd, env: { LAB_LABS_DIR: join(cwd, 'mine') } });
    await buildProgram(() => ctx, 'test').parseAsync(['new', '98-x'], { from: 'user' });
    const j = JSON.parse(stdout.text) as { lab: string; dir: string; files: string[]; next: string[] };
    expect(j).toMatchObject({ lab: '98-x', dir: join(cwd, 'mine', '98-x') });
    expect(j.files).toHaveLength(3);
    expect(j.next[1]).toBe('lab test 98');
  });

  it.each([
    [['Foo'], /"Foo" is not a lab id/],
    [['03-mine'], /Lab number 03 is taken by 03-load-balancing/],
    [['97-x', '--title', ''], /--title must be one line/],
  ])('%j: exit 2, nothing written', async (args, message) => {
    const cwd = await tmpDir('lab-new-');
    const thrown = await run(cwd, args).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as Error).message).toMatch(message);
    await expect(stat(join(cwd, 'labs'))).rejects.toThrow(/ENOENT/);
  });

  it('never writes into an existing lab folder, even an empty one, nor over a file', async () => {
    const cwd = await tmpDir('lab-new-');
    await mkdir(join(cwd, 'labs', '97-mine'), { recursive: true });
    await writeFile(join(cwd, 'labs', '97-mine', 'notes.txt'), 'mine');
    await expect(run(cwd, ['97-mine'])).rejects.toThrow(/Lab 97-mine already exists/);
    await expect(run(cwd, ['97-other'])).rejects.toThrow(/Lab number 97 is taken by 97-mine/);
    expect(await readFile(join(cwd, 'labs', '97-mine', 'notes.txt'), 'utf8')).toBe('mine');
  });
});
