import { seconds } from './failover-timeline.ts';
import type { Verdict } from './verdicts-http.ts';

/**
 * The failover drill's verdict (checks/failover.ts measures, this judges). Pure. Every step of
 * the failure response flow is graded: detect (within a budget when the check gives one),
 * serve from the rest (the survivors, or the backup servers when every primary is broken),
 * recover, and at most `maxFailed` failed client requests over the whole drill.
 */

export interface FailoverExpect {
  /** Seconds from the fault until HAProxy has every broken server out of rotation. */
  detectWithin?: number | undefined;
  maxFailed: number;
}

export interface FailoverObserved {
  /** The fault as written in the check (`stop`, `kill`, `errors=1`, …). */
  fault: string;
  target: 'one' | 'primaries';
  /** Containers broken. */
  victims: string[];
  /** Fault to every victim out of rotation; null when it never happened. */
  detectionMs: number | null;
  /** How long the drill waited for detection. */
  waitedMs: number;
  /** Requests that finished (answered or failed) while the victims were out. */
  finishedDuring: number;
  /** Requests each server other than the victims' answered while they were out. */
  servedDuring: Record<string, number>;
  /** Backup servers of the backend (stats `bck`). */
  backupServers: string[];
  /** Requests the backup servers answered before the fault, with every primary UP. */
  backupBefore: number;
  /** Fault cleared to every victim UP again; null when it did not come back. */
  recoveryMs: number | null;
  sent: number;
  failed: number;
  /** Failed requests by cause (core/failover-timeline.ts failuresByCause). */
  failedBy: Record<string, number>;
}

/** Why a fault kind is or is not seen, said to a student. */
function detectionHint(fault: string): string {
  const kind = fault.split('=')[0];
  if (kind === 'errors')
    return ': its health check still passes, so only real traffic shows the 500s (observe layer7, error-limit, on-error mark-down)';
  if (kind === 'latency') return ': a slow answer is still an answer';
  return ': health checks (check, inter, fall) or observed traffic take a broken server out';
}

export function judgeFailover(o: FailoverObserved, e: FailoverExpect): Verdict {
  const who = o.victims.join(', ');
  const why: string[] = [];
  if (o.detectionMs === null)
    why.push(
      `HAProxy did not take ${who} out of rotation within ${seconds(o.waitedMs)} of the fault (${o.fault})${detectionHint(o.fault)}`,
    );
  else if (e.detectWithin !== undefined && o.detectionMs > e.detectWithin * 1000) {
    why.push(
      `HAProxy took ${seconds(o.detectionMs)} to take ${who} out of rotation, more than the budget of ${e.detectWithin} s (a dead server is seen after about inter × fall)`,
    );
  }
  const serving = Object.entries(o.servedDuring).filter(([, n]) => n > 0);
  if (o.target === 'primaries') {
    const backups = serving.filter(([name]) => o.backupServers.includes(name));
    if (o.backupServers.length === 0)
      why.push(
        'the backend has no backup server with a replica behind it, so nothing served while every primary was down',
      );
    else if (o.detectionMs !== null && backups.length === 0)
      why.push(`no backup server (${o.backupServers.join(', ')}) answered while every primary was down`);
    if (o.backupBefore > 0)
      why.push(
        `the backup server(s) answered ${o.backupBefore} request(s) while the primaries were UP: a backup serves only when every primary is down`,
      );
  } else if (o.detectionMs !== null && serving.length === 0 && o.finishedDuring > 0)
    why.push('no surviving replica took the traffic');
  if (o.recoveryMs === null) why.push(`${who} did not come back UP after the fault was cleared`);
  if (o.failed > e.maxFailed) {
    const causes = Object.entries(o.failedBy)
      .map(([c, n]) => `${c} ×${n}`)
      .join(', ');
    why.push(`${o.failed} of ${o.sent} client requests failed (${causes}); at most ${e.maxFailed} may`);
  }
  if (why.length) return { pass: false, reason: why.join('; ') };
  const budget = e.detectWithin === undefined ? '' : ` (budget ${e.detectWithin} s)`;
  const rest = o.target === 'primaries' ? 'the backup served' : 'the rest served';
  return {
    pass: true,
    reason: `${o.fault} on ${who}: HAProxy took it out in ${seconds(o.detectionMs ?? 0)}${budget}, ${rest}, back UP ${seconds(o.recoveryMs ?? 0)} after the fault was cleared; ${o.failed} of ${o.sent} requests failed`,
  };
}
