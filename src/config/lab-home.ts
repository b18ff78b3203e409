import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where lab keeps workspaces and locks: LAB_HOME, else $XDG_STATE_HOME/lab, else ~/.local/state/lab. */
export const labHome = (env: NodeJS.ProcessEnv): string =>
  env.LAB_HOME || join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'lab');

export const workspaceDir = (env: NodeJS.ProcessEnv, project: string): string => join(labHome(env), 'workspaces', project);
