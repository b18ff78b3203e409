import { answeredBy, type LoadSummary, sequentialSummary } from '../core/load-summary.ts';
import type { TaskCheck } from '../core/task-schema.ts';
import { judgeThroughput } from '../core/verdicts-throughput.ts';
import { merged } from '../traffic/source.ts';
import type { CheckTarget } from './target.ts';
import { type CheckResult, resultOf } from './types.ts';

type ThroughputCheck = Extract<TaskCheck, { kind: 'throughput' }>;
type State = ThroughputCheck['baseline'];

/**
 * Requests/s and p95 latency of two states under the same concurrency (e.g. scale up vs scale
 * out, reached by path or header through HAProxy), then compared. The states are measured in
 * interleaved rounds, A B B A, each half the check's duration: on a shared machine the load of
 * everything else drifts over seconds, and measuring A then B would charge that drift to B
 * (a CI run saw 0.27× for two states that measure 1.0-1.4× alone).
 */
export async function throughputCheck(t: CheckTarget, check: ThroughputCheck, signal?: AbortSignal): Promise<CheckResult> {
  const t0 = performance.now();
  // One sender at the whole concurrency: a run started on a dozen clients one exec after
  // another would measure a ramp, and their control calls cost seconds each on a busy machine.
  const run = async (st: State) => merged(await t.traffic.run({ path: st.path, headers: st.headers, durationS: check.duration / 2, concurrency: check.concurrency, keepAlive: true, cookies: false, timeoutMs: 10_000 }, 1, signal));
  const rounds: Record<'a' | 'b', LoadSummary[]> = { a: [], b: [] };
  for (const which of ['a', 'b', 'b', 'a'] as const) rounds[which].push(await run(which === 'a' ? check.baseline : check.candidate));
  const state = (st: State, list: LoadSummary[]) => {
    const summary = sequentialSummary(list);
    return { name: st.name, sent: summary.sent, failed: summary.failed, rps: summary.rps, p95: summary.latencyMs.p95, p50: summary.latencyMs.p50, failures: summary.failures, byApp: summary.byApp, byServer: answeredBy(summary) };
  };
  const baseline = state(check.baseline, rounds.a);
  const candidate = state(check.candidate, rounds.b);
  const verdict = judgeThroughput(baseline, candidate, check.expect);
  // Who answered how many: with one slow replica, the share it got is what tells algorithms apart.
  const who = (s: typeof baseline) => Object.entries(s.byServer).sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true })).map(([k, n]) => `${k} ${n}`).join(', ');
  const line = (s: typeof baseline) => `  ${s.name.padEnd(16)} ${s.rps.toFixed(0).padStart(6)} req/s  p50 ${s.p50.toFixed(0).padStart(5)} ms  p95 ${s.p95.toFixed(0).padStart(5)} ms  ${s.sent} sent, ${s.failed} failed; answered by ${who(s) || 'nobody'}`;
  return resultOf(check.name ?? 'throughput', 'throughput', t0, verdict, {
    report: [`${check.duration} s per state in rounds A B B A, ${check.concurrency} requests in flight, from ${t.traffic.where}`, line(baseline), line(candidate)],
    data: { from: t.traffic.kind, baseline, candidate, rpsRatio: verdict.rpsRatio, p95Ratio: verdict.p95Ratio },
  });
}
