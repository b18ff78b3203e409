import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { labHome } from '../config/lab-home.ts';
import { EnvironmentError } from '../core/errors.ts';

/**
 * One command at a time per lab project: a lock file created with O_EXCL holding the owner's
 * pid and command. A lock whose process is gone (a crash, kill -9) is taken over.
 */
export async function withProjectLock<T>(env: NodeJS.ProcessEnv, project: string, command: string, fn: () => Promise<T>): Promise<T> {
  const dir = join(labHome(env), 'locks');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${project}.lock`);
  await acquire(file, project, command);
  try {
    return await fn();
  } finally {
    await rm(file, { force: true });
  }
}

async function acquire(file: string, project: string, command: string, retried = false): Promise<void> {
  try {
    const handle = await open(file, 'wx');
    await handle.writeFile(JSON.stringify({ pid: process.pid, command, since: new Date().toISOString() }));
    await handle.close();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || retried) throw e;
    const owner = await readOwner(file);
    if (owner && alive(owner.pid)) {
      throw new EnvironmentError(`Another lab command is working on ${project}: "lab ${owner.command}" (pid ${owner.pid}, since ${owner.since})`, {
        hint: 'Wait for it to finish, or stop it with Ctrl-C, then run your command again',
      });
    }
    await rm(file, { force: true });
    await acquire(file, project, command, true);
  }
}

/** Who holds a lock file, as it recorded itself; undefined when unreadable. */
export async function readOwner(file: string): Promise<{ pid: number; command: string; since: string } | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Whether a process runs (EPERM: it does, as another user). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
