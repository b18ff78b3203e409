import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { onTestFinished as globalOnTestFinished } from 'vitest';

type OnFinished = (fn: () => Promise<void>) => void;

/**
 * A fresh directory under os.tmpdir(), removed when the current test finishes.
 * Concurrent tests must pass their context's onTestFinished: vitest cannot tell which of
 * several running tests the global hook belongs to.
 */
export async function tmpDir(prefix = 'lab-test-', onTestFinished: OnFinished = globalOnTestFinished): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Write files given as { 'relative/path': 'text' } under dir, creating folders. */
export async function writeTree(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }
}
