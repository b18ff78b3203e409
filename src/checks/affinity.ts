import { answeredBy } from '../core/load-summary.ts';
import { renderTable } from '../core/report.ts';
import type { TaskCheck } from '../core/task-schema.ts';
import { judgeAffinity } from '../core/verdicts-affinity.ts';
import type { CheckTarget } from './target.ts';
import { type CheckResult, resultOf } from './types.ts';

type AffinityCheck = Extract<TaskCheck, { kind: 'affinity' }>;

/** Browsers this machine plays for `by: cookie` in a lab without clients: each its own cookie jar. */
const LOOPBACK_BROWSERS = 3;

/**
 * Several clients each send a series of requests: each should stay on one server (by its
 * cookie, or by its source IP), and together they should reach several servers.
 */
export async function affinityCheck(t: CheckTarget, check: AffinityCheck, signal?: AbortSignal): Promise<CheckResult> {
  const t0 = performance.now();
  const name = check.name ?? 'affinity';
  const fromClients = t.traffic.kind === 'clients';
  if (check.by === 'source' && (!fromClients || t.traffic.senders < 2)) {
    const reason = `affinity by source needs at least 2 clients in the lab network (this lab sends from ${t.traffic.where}); from one machine every request has the same source IP`;
    return resultOf(name, 'affinity', t0, { pass: false, reason });
  }
  const senders = Math.min(check.clients ?? (fromClients ? t.traffic.senders : LOOPBACK_BROWSERS), t.traffic.senders);
  // One request at a time per sender, like one user; cookies kept only when they are the point;
  // by connection, each sender's requests share one kept-alive connection.
  const keepAlive = check.by === 'connection' || t.options.mode === 'http';
  const runs = await t.trafficAt(check.port).run(
    {
      path: check.path,
      headers: check.headers,
      requests: check.requests * senders,
      concurrency: senders,
      keepAlive,
      cookies: check.by === 'cookie',
    },
    senders,
    signal,
  );
  const rows = runs.map((r) => ({
    sender: r.sender,
    sent: r.summary.sent,
    failed: r.summary.failed,
    byServer: answeredBy(r.summary),
  }));
  const verdict = judgeAffinity({ by: check.by, spread: check.spread, senders: rows });
  const table = renderTable(
    rows.map((r) => [
      r.sender,
      String(r.sent),
      String(r.failed),
      Object.entries(r.byServer)
        .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
        .map(([s, n]) => `${s} ${n}`)
        .join(', '),
    ]),
    ['SENDER', 'SENT', 'FAILED', 'ANSWERED BY'],
  );
  const reason = check.port === undefined ? verdict.reason : `on HAProxy's port ${check.port}: ${verdict.reason}`;
  return resultOf(
    name,
    'affinity',
    t0,
    { pass: verdict.pass, reason },
    {
      report: [
        `${check.requests} requests to ${check.port === undefined ? '' : `HAProxy's port ${check.port}, `}${check.path} from each of ${rows.length} ${fromClients ? 'client(s) in the lab network' : 'browser(s) on this machine'}${check.by === 'cookie' ? ', each keeping its cookies' : check.by === 'connection' ? ', each over one kept-alive connection' : ''}`,
        ...table.split('\n'),
      ],
      data: { by: check.by, port: check.port ?? null, from: t.traffic.kind, servers: verdict.servers, senders: rows },
    },
  );
}
