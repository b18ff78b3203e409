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
  /**
   * Project locks (lock files) the caller already holds: a command that lab solve or lab test
   * runs in-process works under their lock instead of being refused by it (engine/lock.ts).
   */
  heldLocks?: ReadonlySet<string>;
}

/**
 * Runs a lab command in-process, through the same command registry and functions as the CLI
 * (argv without the leading `lab`), with the given context; it never exits the process, it
 * throws what the command throws. cli/program.ts makes one and hands it to solve and test.
 */
export type LabRunner = (ctx: Context, argv: readonly string[]) => Promise<void>;
