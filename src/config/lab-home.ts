import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where lab keeps workspaces and locks: LAB_HOME, else $XDG_STATE_HOME/lab, else ~/.local/state/lab. */
export const labHome = (env: NodeJS.ProcessEnv): string =>
  env.LAB_HOME || join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'lab');

/** A project's workspace; a project that could name a path (commands check --project first) is refused here too. */
export function workspaceDir(env: NodeJS.ProcessEnv, project: string): string {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(project)) throw new Error(`not a project name: "${project}"`);
  return join(labHome(env), 'workspaces', project);
}
