import { type FaultSpec, parseFaultSpec } from './fault-request.ts';
import { addrIp, type ServerStat } from './haproxy-servers.ts';

/**
 * The fault a failover check injects: `stop` (docker stop, the drill `lab check --failover` has
 * always run) or one of `lab fault`'s (core/fault-request.ts), written the same way. Pure.
 */

export type DrillFault = { kind: 'stop' } | Exclude<FaultSpec, { kind: 'clear' }>;

export const DRILL_FAULTS = ['stop', 'kill', 'pause', 'hang', 'unhealthy', 'errors=RATE', 'latency=MS'] as const;

/** The fault, or throws lab fault's UsageError with the allowed values. */
export function parseDrillFault(raw: string): DrillFault {
  if (raw === 'stop') return { kind: 'stop' };
  const spec = parseFaultSpec(raw);
  if (spec.kind === 'clear') throw new Error('fault "clear" clears faults, it is not one');
  return spec;
}

/** How long the failover drill's clients wait for an answer before they count a request failed. */
export const DRILL_CLIENT_TIMEOUT_MS = 5000;

/**
 * Seconds the drill keeps its victims broken once HAProxy has them out: the check's `hold`, but a
 * fault that holds requests (hang, pause) at least half a second longer than the clients wait.
 * Ending a hang drops the connections it held (an unpause answers them), and HAProxy retries an
 * empty response on another server when the configuration says `retry-on empty-response`: a
 * shorter hold hands every held request back in time, so a configuration that never gives up on
 * a hung server (no shorter timeout server, no retry-on response-timeout) failed no request and
 * passed lab 07's task hang. A real hang does not end on cue.
 */
export function drillHoldSeconds(fault: DrillFault, hold: number, clientTimeoutMs = DRILL_CLIENT_TIMEOUT_MS): number {
  return fault.kind === 'hang' || fault.kind === 'pause' ? Math.max(hold, clientTimeoutMs / 1000 + 0.5) : hold;
}

/** What is wrong with a check's `fault:`, for the lab file's validation; undefined when fine. */
export function failoverFaultProblem(raw: string): string | undefined {
  try {
    parseDrillFault(raw);
    return undefined;
  } catch (e) {
    return `${(e as Error).message.replace(/^<fault> /, 'fault ')}; use one of ${DRILL_FAULTS.join(', ')}`;
  }
}

/**
 * Which replicas a failover check breaks, from HAProxy's stats: servers in rotation (UP, not
 * backup) mapped to the running containers behind them by address. `one` is the lowest-numbered
 * replica, and needs a second server in rotation to take its traffic; `primaries` is all of them,
 * so only the backup servers are left. A problem, in words, when there is nothing to break.
 */
export function drillVictims<C extends { number: number; state: string; ip: string | undefined }>(
  list: readonly ServerStat[],
  apps: readonly C[],
  target: 'one' | 'primaries',
): { victims: { app: C; server: string }[]; problem?: string } {
  const inRotation = list.filter((s) => s.state === 'UP' && !((s.bck ?? 0) > 0));
  const victims = apps
    .filter((a) => a.state === 'running')
    .sort((a, b) => a.number - b.number)
    .flatMap((app) => {
      const s = inRotation.find((x) => addrIp(x) === app.ip);
      return s ? [{ app, server: s.svname }] : [];
    });
  if (victims.length === 0)
    return { victims, problem: 'No replica is in rotation (UP and not a backup) in HAProxy: nothing to break' };
  if (target === 'primaries') return { victims };
  if (inRotation.length < 2)
    return {
      victims: [],
      problem: `The failover drill needs at least 2 servers in rotation (UP, not backup); HAProxy has ${inRotation.length}`,
    };
  return { victims: victims.slice(0, 1) };
}
