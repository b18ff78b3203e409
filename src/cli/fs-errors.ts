import { accessSync, constants, statSync } from 'node:fs';
import { dirname, relative, isAbsolute } from 'node:path';
import { labHome } from '../config/lab-home.ts';
import { EnvironmentError } from '../core/errors.ts';

/** What a file system error code means, in words a user can act on. */
const CAUSES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file is in the way where a folder should be',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EISDIR: 'it is a folder, not a file',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links',
  ENOENT: 'a folder on the path does not exist',
};

const inside = (path: string, root: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/**
 * Why a path cannot be written, from its nearest existing ancestor: a file in the way, or a
 * folder that refuses writes (access(2) reports EROFS and EACCES; root ignores mode bits but
 * not a read-only mount). Node's recursive mkdir reports ENOENT for both, which says nothing.
 */
function probe(path: string): string | undefined {
  for (let p = path; ; p = dirname(p)) {
    try {
      if (!statSync(p).isDirectory()) return `${p} is a file, not a folder`;
      accessSync(p, constants.W_OK);
      return undefined;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return `${p}: ${CAUSES[code] ?? code}`;
    }
    if (dirname(p) === p) return undefined;
  }
}

/**
 * A file system error on one of lab's own paths (LAB_HOME, a workspace): an environment
 * problem (exit 3) naming the path, the cause and, under LAB_HOME, the variable. Not a bug of
 * lab's, and never a lost Docker engine.
 */
export function fileSystemError(error: unknown, env: NodeJS.ProcessEnv): EnvironmentError | undefined {
  const e = error as NodeJS.ErrnoException;
  if (!e || typeof e.path !== 'string' || !e.code || !(e.code in CAUSES)) return undefined;
  const home = labHome(env);
  const why = probe(e.path) ?? CAUSES[e.code];
  const verb = e.syscall === 'open' || e.syscall === 'scandir' || e.syscall === 'stat' ? 'use' : 'write';
  const underHome = inside(e.path, home);
  return new EnvironmentError(`Cannot ${verb} ${e.path}: ${why} (${e.code})`, {
    details: underHome
      ? [
          `lab keeps its workspaces and locks in ${env.LAB_HOME ? `LAB_HOME (${home})` : `${home} (LAB_HOME is not set)`}`,
        ]
      : [],
    hint: underHome
      ? 'Set LAB_HOME to a folder you can write, e.g. export LAB_HOME="$HOME/.local/state/lab", then run the command again'
      : 'Fix the path (or choose another one), then run the command again',
  });
}
