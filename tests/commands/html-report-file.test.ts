/**
 * Writing the HTML report (cli/html-report.ts): a lab-written file, 0644, written whole, never
 * over a folder, and refused before anything runs when --html names a folder or a missing one.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlTarget, writeHtmlReport } from '../../src/cli/html-report.ts';
import type { ReportModel } from '../../src/core/html-report.ts';
import { UsageError } from '../../src/core/errors.ts';
import { fakeContext } from '../helpers/fake-context.ts';
import { tmpDir } from '../helpers/tmp.ts';

const model: ReportModel = {
  labId: '03-load-balancing',
  labTitle: 'Load balancing',
  command: 'lab check 03',
  project: 'lab-03',
  generatedAt: 'now',
  lang: 'en',
  results: [],
  perServer: [{ label: 'app1', value: 3 }],
};

describe('writeHtmlReport', () => {
  it('writes the page 0644 under a relative path, replacing an older report, and leaves no temporary file', async () => {
    const dir = await tmpDir();
    const { ctx, stderr } = fakeContext(false, { cwd: dir });
    await writeFile(join(dir, 'r.html'), 'old', { mode: 0o600 });
    await writeHtmlReport(ctx, 'r.html', model);
    expect((await stat(join(dir, 'r.html'))).mode & 0o777).toBe(0o644);
    expect(await readFile(join(dir, 'r.html'), 'utf8')).toMatch(/^<!doctype html>[\s\S]*<rect class="bar"/);
    expect(await readdir(dir)).toEqual(['r.html']);
    expect(stderr.text).toContain('HTML report written to r.html');
  });

  it.each([
    ['a folder', (dir: string) => dir, /--html .* is a folder: lab writes the report as a file/],
    ['a file in a missing folder', (dir: string) => join(dir, 'no', 'r.html'), /the folder .*\/no does not exist/],
  ])('refuses %s (exit 2) and writes nothing', async (_what, path, message) => {
    const dir = await tmpDir();
    await mkdir(join(dir, 'sub'));
    const { ctx } = fakeContext(false, { cwd: dir });
    const err = await htmlTarget(ctx, path(dir)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
    await expect(writeHtmlReport(ctx, path(dir), model)).rejects.toThrow(message);
    expect(await readdir(dir)).toEqual(['sub']);
  });
});

describe('--html on chaos and rollout', () => {
  // An engine that is not there: were --html checked after the engine, these would exit 3, not 2.
  const env = { DOCKER_HOST: 'unix:///nonexistent/lab-test.sock' };
  it.each([
    [
      'lab chaos',
      (ctx: ReturnType<typeof fakeContext>['ctx'], html: string) =>
        import('../../src/commands/chaos.ts').then((m) => m.chaos(ctx, { lab: '10', html })),
    ],
    [
      'lab rollout',
      (ctx: ReturnType<typeof fakeContext>['ctx'], html: string) =>
        import('../../src/commands/rollout.ts').then((m) =>
          m.rollout(ctx, { lab: '08', service: 'app', to: 'v2', strategy: 'rolling', html }),
        ),
    ],
  ])('%s refuses a folder as --html (exit 2) before it asks the engine anything', async (_name, run) => {
    const dir = await tmpDir();
    const { ctx } = fakeContext(false, { cwd: dir, env });
    const err = await run(ctx, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/--html .* is a folder/);
  });
});
