import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Output } from './ui/output.ts';

/** What every command gets besides its own options: I/O, environment and cancellation. */
export interface Context {
  out: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on Ctrl-C; long waits and child processes stop when it fires. */
  signal: AbortSignal;
  /** --host: the Docker engine to use instead of DOCKER_HOST or the docker context. */
  host?: string;
  /**
   * LAB_HOME whose `locks/` every command shares: a fleet run gives each host its own LAB_HOME
   * but must still see the locks of commands run on the same engine without --hosts.
   */
  lockHome?: string;
}

/** Options every command accepts (before or after the command name). */
export type GlobalOptions = {
  json?: boolean;
  color?: boolean;
  verbose?: boolean;
  host?: string;
  hosts?: string;
};

/** Where lab keeps workspaces and locks: LAB_HOME, else $XDG_STATE_HOME/lab, else ~/.local/state/lab. */
export const labHome = (env: NodeJS.ProcessEnv): string =>
  env.LAB_HOME || join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'lab');

/** A project's workspace; a project that could name a path (commands check --project first) is refused here too. */
export function workspaceDir(env: NodeJS.ProcessEnv, project: string): string {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(project)) throw new Error(`not a project name: "${project}"`);
  return join(labHome(env), 'workspaces', project);
}
