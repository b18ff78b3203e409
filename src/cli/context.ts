import type { Output } from '../ui/output.ts';

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
