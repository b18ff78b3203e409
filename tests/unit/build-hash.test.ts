import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashBuildContext } from '../../src/config/build-hash.ts';
import { composeModel } from '../../src/core/render-compose.ts';
import { resolveOptions } from '../../src/core/options.ts';
import { loadLab03 } from '../helpers/lab03.ts';
import { tmpDir } from '../helpers/tmp.ts';

describe('hashBuildContext', () => {
  const context = async (files: Record<string, string>) => {
    const dir = await tmpDir();
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return hashBuildContext(dir);
  };
  const base = { Dockerfile: 'FROM x\n', 'server.mjs': 'console.log(1)\n' };

  it.each([
    ['the same files', base, true],
    ['a changed file', { ...base, 'server.mjs': 'console.log(2)\n' }, false],
    ['an added file', { ...base, 'extra.txt': '' }, false],
    ['a renamed file', { Dockerfile: 'FROM x\n', 'app.mjs': 'console.log(1)\n' }, false],
    ['a file in a subfolder', { ...base, 'lib/a.mjs': '' }, false],
  ])('%s: same hash = %s', async (_, files, same) => {
    expect((await context(files)) === (await context(base))).toBe(same);
  });

  it('labels the built image with it', () => {
    const { lab } = loadLab03();
    const model = composeModel({
      lab,
      options: resolveOptions(lab).options,
      workspace: '/w',
      builds: { app: { context: '/c', hash: 'abc' } },
    }) as {
      services: { app: { build: { labels: Record<string, string> } } };
    };
    expect(model.services.app.build.labels['lab.image.build-hash']).toBe('abc');
  });
});
