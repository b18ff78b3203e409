import { renderTable } from '../core/report.ts';
import type { TaskCheck } from '../core/task-schema.ts';
import { judgeRoutes } from '../core/verdicts-http.ts';
import { judgeFrontendMode, trafficRoute } from '../core/traffic-route.ts';
import { readStats } from '../haproxy/stats-client.ts';
import type { CheckTarget } from './target.ts';
import { type CheckResult, resultOf } from './types.ts';

type RoutingCheck = Extract<TaskCheck, { kind: 'routing' }>;

/** A table of method/path/headers → the service that must answer; every row is reported. */
export async function routingCheck(t: CheckTarget, check: RoutingCheck, signal?: AbortSignal): Promise<CheckResult> {
  const t0 = performance.now();
  // With mode: HAProxy's counters around the requests say which frontend took them, and its stats its mode.
  const before = check.mode ? await readStats(t.stats) : [];
  const answers = await t.trafficAt(check.port).probe(check.rows, false, signal);
  const routed = judgeRoutes(check.rows, answers);
  const { results } = routed;
  let verdict = routed.verdict;
  if (check.mode) {
    const after = await readStats(t.stats);
    const where = `port ${check.port ?? 8080}`;
    const route = trafficRoute(before, after, '', []);
    // The backend only when the requests' counters name it: a route guessed by name is not judged.
    const mode = judgeFrontendMode(
      after,
      route.frontend,
      check.mode,
      where,
      route.how === 'traffic' ? route.backend : null,
    );
    verdict = !mode.pass
      ? { pass: false, reason: verdict.pass ? mode.reason : `${mode.reason}; ${verdict.reason}` }
      : { pass: verdict.pass, reason: `${verdict.reason}; ${mode.reason}` };
  }
  const table = renderTable(
    results.map((r) => [
      r.pass ? 'ok' : 'WRONG',
      r.row.method,
      r.row.path,
      Object.entries(r.row.headers ?? {})
        .map(([k, v]) => `${k}: ${v}`)
        .join(', '),
      r.row.service,
      r.got,
    ]),
    ['', 'METHOD', 'PATH', 'HEADERS', 'EXPECTED', 'ANSWERED'],
  );
  // A second frontend (e.g. an L4 one on :8081) is named, so the student knows which port the table is about.
  const reason = check.port === undefined ? verdict.reason : `on HAProxy's port ${check.port}: ${verdict.reason}`;
  return resultOf(
    check.name ?? 'routing',
    'routing',
    t0,
    { pass: verdict.pass, reason },
    {
      report: [
        ...(check.port === undefined ? [] : [`requests to HAProxy's port ${check.port} from ${t.traffic.where}`]),
        ...table.split('\n'),
      ],
      data: {
        from: t.traffic.kind,
        port: check.port ?? null,
        rows: results.map((r) => ({ ...r.row, got: r.got, status: r.status, pass: r.pass })),
      },
    },
  );
}
