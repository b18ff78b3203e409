import { execa } from 'execa';
import { InterruptedError, RuntimeError } from '../core/errors.ts';
import type { SwarmNode } from '../core/swarm.ts';
import type { Output } from '../ui/output.ts';

/**
 * The zone drill's crash and revive commands (--crash-command, --revive-command): the user's
 * own shell command, run on the machine lab runs on, because only the user knows how to take
 * their machines down and up (ssh and systemctl, a power switch, the test harness). lab tells it
 * which nodes through the environment: LAB_ZONE, LAB_ZONE_NODES (hostnames) and
 * LAB_ZONE_ADDRS (addresses), space-separated. Its stderr goes to lab's (progress); its stdout
 * (not lab's result) only into the message when it fails.
 */
export async function runZoneCommand(
  option: '--crash-command' | '--revive-command',
  command: string,
  zone: string,
  nodes: readonly SwarmNode[],
  o: { out: Output; signal: AbortSignal },
): Promise<void> {
  o.out.debug(`$ sh -c ${JSON.stringify(command)}`);
  const env = {
    LAB_ZONE: zone,
    LAB_ZONE_NODES: nodes.map((n) => n.hostname).join(' '),
    LAB_ZONE_ADDRS: nodes.map((n) => n.addr).join(' '),
  };
  const r = await execa('sh', ['-c', command], {
    env,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'inherit',
    reject: false,
    cancelSignal: o.signal,
    timeout: COMMAND_TIMEOUT_MS,
    forceKillAfterDelay: 3000,
  });
  if (r.isCanceled) throw new InterruptedError(`Interrupted during ${option}`);
  if (r.failed) {
    const stdout = String(r.stdout ?? '')
      .trim()
      .split('\n')
      .filter(Boolean)
      .slice(-2)
      .join(' / ');
    throw new RuntimeError(
      `${option} failed${r.timedOut ? ` (still running after ${COMMAND_TIMEOUT_MS / 1000} s)` : ` (exit ${r.exitCode})`}${stdout ? `: ${stdout}` : ''}`,
      {
        hint: `Run it by hand to see why: LAB_ZONE=${env.LAB_ZONE} LAB_ZONE_NODES='${env.LAB_ZONE_NODES}' sh -c '${command}'`,
      },
    );
  }
}

/** A crash or revive that takes longer is stuck: the drill cannot time what it does not know began. */
const COMMAND_TIMEOUT_MS = 60_000;
