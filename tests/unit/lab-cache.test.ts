import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLabCached } from '../../src/config/lab-cache.ts';
import { listLabFiles, readLab } from '../../src/config/labs.ts';
import { LABS_DIR } from '../helpers/lab03.ts';
import { tmpDir, writeTree } from '../helpers/tmp.ts';

const BUILD = 'build-a';
const entries = (home: string): string[] => {
  const dir = join(home, 'cache', 'labs');
  return existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [];
};

/** A lab with a build context of its own, so a hit still has file system facts to check. */
const labTree = (title = 'Cached lab') => ({
  '05-cached/lab.yaml': [
    'id: 05-cached',
    `title: ${title}`,
    'summary: A lab read through the cache.',
    'goals: [Be cached]',
    'app:',
    '  image: lab/cached:1',
    '  port: 8000',
    '  health: /health',
    '  build:',
    '    context: app',
    'loadBalancer:',
    '  image: haproxy:3.0',
    '',
  ].join('\n'),
  '05-cached/app/Dockerfile': 'FROM scratch\n',
});

/** The lab above in a folder of its own, and a LAB_HOME of its own. */
async function cachedLab(): Promise<{ dir: string; file: string; env: { LAB_HOME: string } }> {
  const dir = await tmpDir();
  await writeTree(dir, labTree());
  return { dir, file: join(dir, '05-cached', 'lab.yaml'), env: { LAB_HOME: await tmpDir() } };
}

describe('the cache of validated labs (lab list, show, validate)', () => {
  it.each(listLabFiles([LABS_DIR]).map((l) => [l.id, l.file]))(
    '%s: a hit is what readLab gives, field for field',
    async (_id, file) => {
      const env = { LAB_HOME: await tmpDir() };
      const fresh = readLab(file);
      expect(await readLabCached(file, env, BUILD)).toStrictEqual(fresh);
      expect(entries(env.LAB_HOME)).toHaveLength(1);
      expect(await readLabCached(file, env, BUILD)).toStrictEqual(fresh);
    },
  );

  it('answers from the entry while the file and the build are the same, and parses again when either changes', async () => {
    const { file, env } = await cachedLab();
    expect((await readLabCached(file, env, BUILD)).lab?.lab.title).toBe('Cached lab');
    const [entry] = entries(env.LAB_HOME);
    // Mark the entry: a read that returns the mark was answered from the cache.
    const marked = JSON.parse(readFileSync(entry!, 'utf8'));
    marked.lab.title = 'from the cache';
    writeFileSync(entry!, JSON.stringify(marked));
    expect((await readLabCached(file, env, BUILD)).lab?.lab.title).toBe('from the cache');
    // Another build of lab may validate differently: a miss, parsed and stored again.
    expect((await readLabCached(file, env, 'build-b')).lab?.lab.title).toBe('Cached lab');
    expect(entries(env.LAB_HOME)).toHaveLength(1);
    // An edit of the file is a miss too, and an invalid edit is reported at its line.
    writeFileSync(file, readFileSync(file, 'utf8').replace('  port: 8000', '  port: eighty'));
    const r = await readLabCached(file, env, 'build-b');
    expect(r.lab).toBeUndefined();
    expect(r.problems).toMatchObject([{ line: 7, key: 'app.port' }]);
  });

  it('checks the file system on a hit: a Dockerfile removed since is reported at its line', async () => {
    const { dir, file, env } = await cachedLab();
    expect((await readLabCached(file, env, BUILD)).problems).toEqual([]);
    rmSync(join(dir, '05-cached', 'app', 'Dockerfile'));
    const r = await readLabCached(file, env, BUILD);
    expect(r.lab).toBeUndefined();
    expect(r.problems).toEqual(readLab(file).problems);
    expect(r.problems).toMatchObject([{ line: 10, key: 'app.build.context' }]);
  });

  it('an entry that is not JSON is a miss; without a build id (run from src) nothing is cached', async () => {
    const { file, env } = await cachedLab();
    await readLabCached(file, env, BUILD);
    writeFileSync(entries(env.LAB_HOME)[0]!, '{"key": ');
    expect((await readLabCached(file, env, BUILD)).lab?.lab.title).toBe('Cached lab');
    const other = { LAB_HOME: await tmpDir() };
    expect((await readLabCached(file, other, undefined)).lab?.lab.title).toBe('Cached lab');
    expect(entries(other.LAB_HOME)).toEqual([]);
  });

  it('a LAB_HOME it cannot write to costs only the cache', async () => {
    const dir = await tmpDir();
    await writeTree(dir, { ...labTree(), home: 'a file, not a folder' });
    const r = await readLabCached(join(dir, '05-cached', 'lab.yaml'), { LAB_HOME: join(dir, 'home') }, BUILD);
    expect(r.problems).toEqual([]);
  });
});
