import type { TaskCheck } from '../core/task-schema.ts';
import type { StatsRow } from '../core/haproxy-stats.ts';
import { backendView, judgeReached, judgeServers } from '../core/verdicts-servers.ts';
import { readStats } from '../haproxy/stats-client.ts';
import type { CheckTarget } from './target.ts';
import { type CheckResult, resultOf } from './types.ts';

type ServersCheck = Extract<TaskCheck, { kind: 'servers' }>;

/** HAProxy's own view of a backend (stats CSV): servers, how many UP, health checks, backups, algorithm. */
export async function serversCheck(t: CheckTarget, check: ServersCheck, signal?: AbortSignal): Promise<CheckResult> {
  const t0 = performance.now();
  // A backend the check names is the task's to fix (its text asks for it); else the one the app port's traffic reaches, whatever the student called it.
  const backend = check.backend ?? (await t.route(t.backend, '/', signal)).backend;
  const view = backendView(await readStats(t.stats), backend);
  let verdict = judgeServers(view, check);
  const reached = verdict.pass && check.via ? await reach(t, backend, check.via, signal) : undefined;
  if (reached) verdict = reached.pass ? { pass: true, reason: `${verdict.reason}; ${reached.reason}` } : reached;
  return resultOf(check.name ?? 'servers', 'servers', t0, verdict, {
    data: { ...view, ...(reached ? { reached: reached.pass } : {}) },
  });
}

const VIA_REQUESTS = 4;

/** Send a few requests `via` a path and headers; HAProxy's counters say whether `backend` took them. */
async function reach(t: CheckTarget, backend: string, via: NonNullable<ServersCheck['via']>, signal?: AbortSignal) {
  const count = (rows: StatsRow[]) => {
    const r = rows.find((x) => x.pxname === backend && x.svname === 'BACKEND');
    return r ? Math.max(r.stot ?? 0, r.reqTot ?? 0) : 0;
  };
  const before = count(await readStats(t.stats));
  await t.traffic.probe(
    Array.from({ length: VIA_REQUESTS }, () => ({ method: 'GET', path: via.path, headers: via.headers })),
    false,
    signal,
  );
  const after = count(await readStats(t.stats));
  const shown = `GET ${via.path}${Object.entries(via.headers ?? {})
    .map(([k, v]) => ` with ${k}: ${v}`)
    .join('')}`;
  // A reload between the reads restarts the counters: what they hold now all came after.
  return judgeReached(backend, VIA_REQUESTS, after >= before ? after - before : after, shown);
}
