import type { Verdict } from './verdicts-http.ts';

/**
 * The throughput check's verdict: the candidate state (e.g. 4 replicas × 0.5 CPU) serves at
 * least `rpsRatio` times the baseline's requests per second (e.g. 1 replica × 2 CPUs) under the
 * same concurrency, and optionally keeps its p95 latency within `p95Ratio` of the baseline's.
 * `margin` lets each ratio miss by that fraction, for a noisy shared machine. `nearMiss` says a
 * ratio missed by less than a factor of two (e.g. 0.40× where 0.64× was needed): worth measuring again
 * when the lab allows attempts, since a busy machine only ever slows a state down; a clear miss
 * (the starter's one replica at 0.25×) or failed requests are not measured again. Pure.
 */
export interface ThroughputState {
  name: string;
  sent: number;
  failed: number;
  rps: number;
  p95: number;
}

export interface ThroughputExpect {
  rpsRatio: number;
  p95Ratio?: number | undefined;
  margin: number;
  maxFailed: number;
  attempts?: number | undefined;
}

const f = (n: number, digits = 0) => n.toFixed(digits);

export interface ThroughputVerdict extends Verdict {
  rpsRatio: number;
  p95Ratio: number;
  nearMiss: boolean;
}

export function judgeThroughput(
  baseline: ThroughputState,
  candidate: ThroughputState,
  e: ThroughputExpect,
): ThroughputVerdict {
  const rpsRatio = baseline.rps > 0 ? candidate.rps / baseline.rps : 0;
  const p95Ratio = baseline.p95 > 0 ? candidate.p95 / baseline.p95 : 0;
  const out = (pass: boolean, reason: string, nearMiss = false) => ({
    pass,
    reason,
    nearMiss,
    rpsRatio: Math.round(rpsRatio * 100) / 100,
    p95Ratio: Math.round(p95Ratio * 100) / 100,
  });
  for (const s of [baseline, candidate]) {
    if (s.sent === 0 || s.sent === s.failed)
      return out(false, `${s.name} answered no request (${s.sent} sent): is that state reachable through HAProxy?`);
    if (s.failed / s.sent > e.maxFailed)
      return out(
        false,
        `${s.failed} of ${s.sent} requests failed in ${s.name} (${f((100 * s.failed) / s.sent, 1)}%, at most ${f(100 * e.maxFailed, 1)}% allowed): a state that drops requests is not faster`,
      );
  }
  const numbers = `${candidate.name} ${f(candidate.rps)} req/s, p95 ${f(candidate.p95)} ms; ${baseline.name} ${f(baseline.rps)} req/s, p95 ${f(baseline.p95)} ms`;
  const rpsNeed = e.rpsRatio * (1 - e.margin);
  if (rpsRatio < rpsNeed) {
    return out(
      false,
      `${candidate.name} served ${f(rpsRatio, 2)}× the requests/s of ${baseline.name} (${numbers}); expected at least ${e.rpsRatio}× (${f(rpsNeed, 2)}× allowing ${f(e.margin * 100)}% for noise)`,
      rpsRatio >= rpsNeed / 2,
    );
  }
  if (e.p95Ratio !== undefined) {
    const p95Limit = e.p95Ratio * (1 + e.margin);
    if (p95Ratio > p95Limit) {
      return out(
        false,
        `${candidate.name}'s p95 latency is ${f(p95Ratio, 2)}× ${baseline.name}'s (${numbers}); expected at most ${e.p95Ratio}× (${f(p95Limit, 2)}× allowing ${f(e.margin * 100)}% for noise)`,
        p95Ratio <= p95Limit * 2,
      );
    }
  }
  return out(
    true,
    `${candidate.name} served ${f(rpsRatio, 2)}× the requests/s of ${baseline.name} (${numbers}); expected at least ${e.rpsRatio}×`,
  );
}
