import type { TaskCheck } from '../core/task-schema.ts';
import { backendView, judgeServers } from '../core/verdicts-servers.ts';
import { readStats } from '../haproxy/stats-client.ts';
import type { CheckTarget } from './target.ts';
import type { CheckResult } from './types.ts';

type ServersCheck = Extract<TaskCheck, { kind: 'servers' }>;

/** HAProxy's own view of a backend (stats CSV): servers, how many UP, health checks, backups, algorithm. */
export async function serversCheck(t: CheckTarget, check: ServersCheck): Promise<CheckResult> {
  const t0 = performance.now();
  const view = backendView(await readStats(t.stats), check.backend ?? t.backend);
  const verdict = judgeServers(view, check);
  return { name: check.name ?? 'servers', kind: 'servers', verdict: verdict.pass ? 'PASS' : 'FAIL', reason: verdict.reason, ms: performance.now() - t0, report: [], data: view };
}
