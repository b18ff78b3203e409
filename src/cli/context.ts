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
}
