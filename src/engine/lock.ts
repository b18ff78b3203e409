import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { link, mkdir, open, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../cli/context.ts';
import { labHome } from '../config/lab-home.ts';
import { EnvironmentError } from '../core/errors.ts';
import type { Endpoint } from '../docker/endpoint.ts';

/**
 * One command at a time per lab project on one Docker engine. The lock is a file whose whole
 * content (owner pid, command, engine) is written to a temporary file first and then published
 * with link(2), which fails when the lock exists: nobody ever reads a half-written lock. A lock
 * whose process is gone (a crash, kill -9) is taken over, one breaker at a time (see breakStale).
 */
export interface LockOwner {
  pid: number;
  command: string;
  since: string;
  engine?: string;
  /** Tells this lock from an older one of the same pid. */
  token?: string;
}

/** Where a project's lock lives: keyed by engine and project, under the main LAB_HOME (a fleet's per-host homes share it). */
export function lockFile(
  ctx: Pick<Context, 'env' | 'lockHome'>,
  endpoint: Pick<Endpoint, 'host'>,
  project: string,
): string {
  return join(ctx.lockHome ?? labHome(ctx.env), 'locks', `${project}@${engineKey(endpoint.host)}.lock`);
}

/**
 * The same engine named two ways gives the same key: a unix socket by its real path
 * (/var/run is a symlink to /run on Debian), tcp:// and ssh:// lower-cased with the default port.
 */
export function engineKey(host: string): string {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return slug(host);
  }
  if (url.protocol === 'unix:' || url.protocol === 'npipe:') {
    let path = decodeURIComponent(url.pathname);
    try {
      path = realpathSync(path);
    } catch {
      // A socket that does not exist: the path as given (the engine check reports it).
    }
    return slug(`${url.protocol.slice(0, -1)}${path}`);
  }
  const port = url.port || (url.protocol === 'ssh:' ? '22' : url.protocol === 'tcp:' ? '2375' : '');
  return slug(
    `${url.protocol.slice(0, -1)}-${url.username ? `${url.username}@` : ''}${url.hostname.toLowerCase()}-${port}`,
  );
}

const slug = (s: string) =>
  s
    .replace(/[^A-Za-z0-9.@-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 120);

export async function withProjectLock<T>(
  ctx: Pick<Context, 'env' | 'lockHome' | 'heldLocks'>,
  endpoint: Pick<Endpoint, 'host'>,
  project: string,
  command: string,
  fn: () => Promise<T>,
): Promise<T> {
  const file = lockFile(ctx, endpoint, project);
  // Run in-process by a command that holds this lock (lab test solving a task): its lock covers us.
  if (ctx.heldLocks?.has(file)) return fn();
  await mkdir(join(file, '..'), { recursive: true });
  const me: LockOwner = {
    pid: process.pid,
    command,
    since: new Date().toISOString(),
    engine: endpoint.host,
    token: randomBytes(8).toString('hex'),
  };
  await acquire(file, project, me);
  try {
    return await fn();
  } finally {
    // Only our own lock: never one a breaker handed to another command meanwhile.
    if ((await readLock(file))?.owner?.token === me.token) await unlink(file).catch(() => undefined);
  }
}

/** Several projects' locks at once (lab reset); none is taken when one is busy. */
export async function withProjectLocks<T>(
  ctx: Pick<Context, 'env' | 'lockHome'>,
  endpoint: Pick<Endpoint, 'host'>,
  projects: string[],
  command: string,
  fn: () => Promise<T>,
): Promise<T> {
  const [first, ...rest] = [...new Set(projects)].sort();
  if (first === undefined) return fn();
  return withProjectLock(ctx, endpoint, first, command, () => withProjectLocks(ctx, endpoint, rest, command, fn));
}

async function acquire(file: string, project: string, me: LockOwner): Promise<void> {
  // Each round either takes the lock, reports its live owner, or helps remove a stale one.
  const deadline = performance.now() + 5000;
  while (performance.now() < deadline) {
    if (await publish(file, me)) return;
    const held = await readLock(file);
    if (!held) continue; // released meanwhile: try again
    if (held.owner && alive(held.owner.pid)) throw busy(project, held.owner);
    await breakStale(file, held, me);
  }
  const owner = (await readLock(file))?.owner;
  throw owner
    ? busy(project, owner)
    : new EnvironmentError(`Could not take the lock of ${project} (${file})`, { hint: 'Run the command again' });
}

function busy(project: string, o: LockOwner): EnvironmentError {
  return new EnvironmentError(
    `Another lab command is working on ${project}: "lab ${o.command}" (pid ${o.pid}, since ${o.since}${o.engine ? `, engine ${o.engine}` : ''})`,
    {
      hint: 'Wait for it to finish, or stop it with Ctrl-C, then run your command again',
    },
  );
}

/** Write the owner to a temporary file and link it into place: true when the lock was free. */
async function publish(file: string, owner: LockOwner): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, JSON.stringify(owner), { flag: 'wx', mode: 0o644 });
  try {
    await link(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

interface Held {
  ino: number;
  text: string;
  owner?: LockOwner;
}

/** A lock file as it is now: its inode, its text, its owner (undefined when unreadable, e.g. an old empty lock). */
async function readLock(file: string): Promise<Held | undefined> {
  try {
    // One handle for both, so the inode and the text belong to the same file.
    const handle = await open(file, 'r');
    let ino: number;
    let text: string;
    try {
      [{ ino }, text] = await Promise.all([handle.stat(), handle.readFile('utf8')]);
    } finally {
      await handle.close();
    }
    let owner: LockOwner | undefined;
    try {
      const o = JSON.parse(text) as LockOwner;
      owner = Number.isInteger(o?.pid) ? o : undefined;
    } catch {
      owner = undefined;
    }
    return { ino, text, owner };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Remove a stale lock without racing other breakers: only the holder of `<lock>.break` (itself
 * published with link) may remove it, and only after seeing, under that mutex, the same file
 * with a dead owner. Newcomers never remove anything, so once the breaker has unlinked the
 * stale file, exactly one publish() wins the lock. A breaker that died holding the mutex (the
 * window is a few syscalls) leaves a `.break` with a dead pid, which is moved aside by inode.
 */
async function breakStale(file: string, seen: Held, me: LockOwner): Promise<void> {
  const mutex = `${file}.break`;
  if (!(await publish(mutex, me))) {
    const other = await readLock(mutex);
    if (other && (!other.owner || !alive(other.owner.pid))) await removeIfSame(mutex, other);
    else await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
    return;
  }
  try {
    const now = await readLock(file);
    if (now && now.ino === seen.ino && now.text === seen.text && !(now.owner && alive(now.owner.pid)))
      await unlink(file);
  } finally {
    await unlink(mutex).catch(() => undefined);
  }
}

/** Move a file aside and delete it if it is still the one seen (same inode); put it back otherwise. */
async function removeIfSame(file: string, seen: Held): Promise<void> {
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(file, aside);
  } catch {
    return; // gone already
  }
  if ((await stat(aside)).ino === seen.ino) return void (await unlink(aside).catch(() => undefined));
  await link(aside, file).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
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

/** Who holds a lock file, as it recorded itself; undefined when unreadable. */
export async function readOwner(file: string): Promise<LockOwner | undefined> {
  return (await readLock(file).catch(() => undefined))?.owner;
}
