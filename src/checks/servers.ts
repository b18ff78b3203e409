import type { TaskCheck } from '../core/task-schema.ts';
import { backendView, judgeServers } from '../core/verdicts-servers.ts';
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
  const verdict = judgeServers(view, check);
  return resultOf(check.name ?? 'servers', 'servers', t0, verdict, { data: view });
}
