import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imageSubstitutions, imagesFilePath } from '../../src/config/images-file.ts';
import {
  describeSubstitution,
  mergeSubstitutions,
  parseImagesFile,
  substitutionMap,
  type ImagePair,
  type ImageSource,
} from '../../src/core/image-substitutions.ts';
import { EnvironmentError, formatProblem, LabError, UsageError } from '../../src/core/errors.ts';
import { doctorChecks, type DoctorFacts } from '../../src/core/instructor/doctor-checks.ts';
import { tmpDir } from '../helpers/tmp.ts';

const F = '/h/images.conf';
const file = (line: number): ImageSource => ({ kind: 'file', file: F, line });
const ENV: ImageSource = { kind: 'env' };
const OPT: ImageSource = { kind: 'option' };

describe('the images file', () => {
  it.each([
    { name: 'empty', text: '', pairs: [] },
    {
      name: 'what setup writes',
      text: '# Written by npm run setup\nhaproxy:3.0=lab-local/haproxy:3.0\nnode:20-alpine=lab-local/node:20\n',
      pairs: ['2 haproxy:3.0=lab-local/haproxy:3.0', '3 node:20-alpine=lab-local/node:20'],
    },
    {
      name: 'blank lines, indentation, a comment after the pair, CRLF',
      text: '\r\n  haproxy:3.0=m/h:3.0   # mirror\r\n\r\n',
      pairs: ['2 haproxy:3.0=m/h:3.0'],
    },
    { name: 'a digest', text: 'haproxy:3.0=m/h@sha256:abc', pairs: ['1 haproxy:3.0=m/h@sha256:abc'] },
  ])('$name', ({ text, pairs }) => {
    const r = parseImagesFile(text, F);
    expect(r.problems).toEqual([]);
    expect(r.pairs.map((p) => `${(p.source as { line: number }).line} ${p.from}=${p.to}`)).toEqual(pairs);
  });

  it.each([
    {
      name: 'no =',
      text: 'haproxy:3.0',
      problems: [`${F}:1:1 "haproxy:3.0" must look like FROM=TO, e.g. haproxy:3.0=mirror.local/haproxy:3.0`],
    },
    {
      name: 'two pairs on a line',
      text: '# x\n  a:1=b:1 c:1=d:1',
      problems: [`${F}:2:3 "a:1=b:1 c:1=d:1" must look like FROM=TO, e.g. haproxy:3.0=mirror.local/haproxy:3.0`],
    },
    {
      name: 'an interpolation',
      text: 'a=${EVIL}',
      problems: [`${F}:1:1 "a=\${EVIL}" must look like FROM=TO, e.g. haproxy:3.0=mirror.local/haproxy:3.0`],
    },
    {
      name: 'the same image twice',
      text: 'a:1=b:1\n\na:1=c:1\n',
      problems: [`${F}:3:1 a:1 is already substituted on line 1`],
    },
    {
      name: 'every problem at once',
      text: 'x\ny\na=b',
      problems: [
        `${F}:1:1 "x" must look like FROM=TO, e.g. haproxy:3.0=mirror.local/haproxy:3.0`,
        `${F}:2:1 "y" must look like FROM=TO, e.g. haproxy:3.0=mirror.local/haproxy:3.0`,
      ],
    },
  ])('rejects $name, at its line', ({ text, problems }) => {
    expect(parseImagesFile(text, F).problems.map(formatProblem)).toEqual(problems);
  });
});

describe('precedence: the images file, then LAB_IMAGES, then --image', () => {
  const pair = (from: string, to: string, source: ImageSource): ImagePair => ({ from, to, source });
  it.each([
    { name: 'nothing set', layers: [[], [], []], want: [] },
    { name: 'the file alone', layers: [[pair('a', 'f', file(2))], [], []], want: ['a → f (/h/images.conf:2)'] },
    {
      name: 'LAB_IMAGES over the file',
      layers: [[pair('a', 'f', file(2))], [pair('a', 'e', ENV)], []],
      want: ['a → e (LAB_IMAGES, over /h/images.conf:2)'],
    },
    {
      name: '--image over both',
      layers: [[pair('a', 'f', file(2))], [pair('a', 'e', ENV)], [pair('a', 'o', OPT)]],
      want: ['a → o (--image, over /h/images.conf:2, LAB_IMAGES)'],
    },
    {
      name: 'per image: others stay',
      layers: [[pair('a', 'f', file(1)), pair('b', 'g', file(2))], [pair('a', 'e', ENV)], []],
      want: ['b → g (/h/images.conf:2)', 'a → e (LAB_IMAGES, over /h/images.conf:1)'],
    },
    {
      name: 'the later of two in one layer',
      layers: [[], [pair('a', 'e1', ENV), pair('a', 'e2', ENV)], []],
      want: ['a → e2 (LAB_IMAGES, over LAB_IMAGES)'],
    },
  ])('$name', ({ layers, want }) => {
    expect(mergeSubstitutions(layers).map(describeSubstitution)).toEqual(want);
  });
});

describe('imageSubstitutions reads the file in LAB_HOME and the environment', () => {
  const home = async (text?: string) => {
    const dir = await tmpDir();
    if (text !== undefined) await writeFile(join(dir, 'images.conf'), text);
    return dir;
  };
  const map = (env: NodeJS.ProcessEnv, options: string[] = []) => substitutionMap(imageSubstitutions(env, options));

  it('lives at $LAB_HOME/images.conf', () => {
    expect(imagesFilePath({ LAB_HOME: '/x/lab' })).toBe('/x/lab/images.conf');
    expect(imagesFilePath({ XDG_STATE_HOME: '/s' })).toBe('/s/lab/images.conf');
  });

  it.each([
    { name: 'no file, nothing set', file: undefined, env: {}, options: [], want: {} },
    { name: 'the file', file: 'haproxy:3.0=l/h:3\n', env: {}, options: [], want: { 'haproxy:3.0': 'l/h:3' } },
    {
      name: 'LAB_IMAGES wins per image',
      file: 'haproxy:3.0=l/h:3\nnode:20=l/n:20\n',
      env: { LAB_IMAGES: 'haproxy:3.0=m/h:3' },
      options: [],
      want: { 'haproxy:3.0': 'm/h:3', 'node:20': 'l/n:20' },
    },
    {
      name: '--image wins over both',
      file: 'haproxy:3.0=l/h:3\n',
      env: { LAB_IMAGES: 'haproxy:3.0=m/h:3' },
      options: ['haproxy:3.0=o/h:3'],
      want: { 'haproxy:3.0': 'o/h:3' },
    },
    {
      name: 'an identity pair turns a file line off',
      file: 'haproxy:3.0=l/h:3\n',
      env: { LAB_IMAGES: 'haproxy:3.0=haproxy:3.0' },
      options: [],
      want: { 'haproxy:3.0': 'haproxy:3.0' },
    },
  ])('$name', async ({ file, env, options, want }) => {
    expect(map({ ...env, LAB_HOME: await home(file) }, options)).toEqual(want);
  });

  it('a malformed file is a usage error with every bad line and the fix', async () => {
    const dir = await home('ok:1=fine:1\nbroken\n');
    const e = catching(() => imageSubstitutions({ LAB_HOME: dir }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe(`1 problem(s) in the image substitutions of ${dir}/images.conf`);
    expect(e.details).toEqual([
      `${dir}/images.conf:2:1 "broken" must look like FROM=TO, e.g. haproxy:3.0=mirror.local/haproxy:3.0`,
    ]);
    expect(e.hint).toContain(`rm ${dir}/images.conf`);
  });

  it('a malformed LAB_IMAGES is named as LAB_IMAGES, a malformed --image as --image', async () => {
    const dir = await home();
    expect(catching(() => imageSubstitutions({ LAB_HOME: dir, LAB_IMAGES: 'oops' })).message).toBe(
      'LAB_IMAGES: "oops" must look like FROM=TO, e.g. haproxy:3.0=mirror.local/haproxy:3.0',
    );
    expect(catching(() => imageSubstitutions({ LAB_HOME: dir }, ['oops'])).message).toBe(
      '--image "oops" must look like FROM=TO, e.g. haproxy:3.0=mirror.local/haproxy:3.0',
    );
  });

  it('an images file that cannot be read is an environment error', async () => {
    const dir = await home();
    await mkdir(join(dir, 'images.conf'));
    expect(catching(() => imageSubstitutions({ LAB_HOME: dir }))).toBeInstanceOf(EnvironmentError);
  });
});

describe('doctor shows the substitutions in effect and where they come from', () => {
  const facts = (substitutions: DoctorFacts['substitutions']): DoctorFacts => ({
    lab: 'lab',
    endpoint: { host: 'unix:///var/run/docker.sock', source: 'default', local: true },
    engine: { ok: true, version: '20.10.24', api: '1.41', rootDir: '/var/lib/docker' },
    compose: { ok: true, version: '2.26.1' },
    substitutions,
    locks: [],
    language: { ok: true, lang: 'en', from: 'LANG=C.UTF-8' },
  });
  it.each([
    {
      name: 'none',
      s: { ok: true as const, file: F, list: [] },
      rows: [`substitute ok none: the images the lab files name (no LAB_IMAGES, no ${F})`],
    },
    {
      name: 'two',
      s: { ok: true as const, file: F, list: ['a → f (/h/images.conf:2)', 'b → e (LAB_IMAGES)'] },
      rows: ['substitute ok a → f (/h/images.conf:2)', 'substitute ok b → e (LAB_IMAGES)'],
    },
    {
      name: 'a broken setting',
      s: { ok: false as const, file: F, error: 'bad', hint: `rm ${F}` },
      rows: ['substitute fail bad'],
    },
  ])('$name', ({ s, rows }) => {
    expect(
      doctorChecks(facts(s))
        .filter((c) => c.name === 'substitute')
        .map((c) => `${c.name} ${c.status} ${c.detail}`),
    ).toEqual(rows);
  });
});

function catching(fn: () => unknown): LabError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LabError) return e;
    throw e;
  }
  throw new Error('expected an error');
}
