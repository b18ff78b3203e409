import type { Palette } from './palette.ts';
import type { Verdict } from './verdicts-http.ts';

/**
 * A chaos run judged against the lab's SLO (service level objective): the share of client
 * requests that succeeded, and the 95th percentile of their latency. Pure: checks/chaos.ts
 * measures, this judges and words it.
 */

export interface Slo {
  /** Percent of requests that must succeed, e.g. 99.5. */
  availability: number;
  /** Milliseconds the 95th percentile of answered requests must stay within. */
  p95Ms: number;
  /** A request not answered within this long counts as failed (the load's per-request timeout). */
  answerWithinMs: number;
}

/** The issue's example SLO, for a lab that declares none. */
export const DEFAULT_SLO: Slo = { availability: 99.5, p95Ms: 300, answerWithinMs: 2000 };

export interface ChaosOutcome {
  seed: number;
  sent: number;
  failed: number;
  /** p95 of the answered requests (with several clients: the slowest client's). */
  p95Ms: number;
  /** Faults injected. */
  faults: number;
}

export interface ChaosVerdict extends Verdict {
  /** Percent of requests that succeeded, two decimals; 0 when nothing was sent. */
  availability: number;
}

const availabilityOf = (sent: number, failed: number): number =>
  sent > 0 ? Math.floor(((sent - failed) / sent) * 10_000) / 100 : 0;

/** One run: the SLO holds when both availability and p95 are within it, and requests were sent. */
export function judgeChaos(o: ChaosOutcome, slo: Slo): ChaosVerdict {
  const availability = availabilityOf(o.sent, o.failed);
  const seen = `seed ${o.seed}: ${availability}% of ${o.sent} request(s) succeeded (${o.failed} failed), p95 ${round(o.p95Ms)} ms, ${o.faults} fault(s)`;
  if (o.sent === 0)
    return { pass: false, availability, reason: `seed ${o.seed}: no request was sent, so the SLO cannot be judged` };
  const missed = [
    ...(availability < slo.availability ? [`availability ${availability}% < ${slo.availability}%`] : []),
    ...(o.p95Ms > slo.p95Ms ? [`p95 ${round(o.p95Ms)} ms > ${slo.p95Ms} ms`] : []),
  ];
  if (missed.length)
    return {
      pass: false,
      availability,
      reason: `${seen}; the SLO (${sloText(slo)}) does not hold: ${missed.join(', ')}`,
    };
  return { pass: true, availability, reason: `${seen}; the SLO (${sloText(slo)}) holds` };
}

/** Several seeds: the SLO must hold for every one of `wanted` runs (a run cut short fails). */
export function judgeChaosRuns(runs: readonly ChaosOutcome[], slo: Slo, wanted: number): Verdict {
  const verdicts = runs.map((r) => judgeChaos(r, slo));
  const failed = verdicts.filter((v) => !v.pass);
  if (failed.length) return { pass: false, reason: failed.map((v) => v.reason).join('; ') };
  if (runs.length < wanted) return { pass: false, reason: `only ${runs.length} of ${wanted} chaos run(s) finished` };
  return {
    pass: true,
    reason: `the SLO (${sloText(slo)}) held for ${runs.length} seed(s): ${verdicts.map((v, i) => `seed ${runs[i]!.seed} ${v.availability}%, p95 ${round(runs[i]!.p95Ms)} ms`).join('; ')}`,
  };
}

export const sloText = (slo: Slo): string =>
  `availability ≥ ${slo.availability}% (answered within ${slo.answerWithinMs} ms), p95 ≤ ${slo.p95Ms} ms`;

const round = (ms: number): number => Math.round(ms);

/** The report's head: the figures against the SLO, then the verdict. */
export function chaosSummaryLines(
  o: ChaosOutcome & { durationS: number; failures: Record<string, number>; p50Ms: number; rps: number },
  slo: Slo,
  c: Palette,
): string[] {
  const v = judgeChaos(o, slo);
  const causes = Object.entries(o.failures)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const mark = (ok: boolean) => (ok ? c.green('ok') : c.red('MISSED'));
  return [
    `${c.bold('availability')} ${v.availability}% (${o.sent - o.failed} of ${o.sent} succeeded${o.failed ? `; failed: ${causes || o.failed}` : ''})  SLO ≥ ${slo.availability}% within ${slo.answerWithinMs} ms  ${mark(o.sent > 0 && v.availability >= slo.availability)}`,
    `${c.bold('p95')} ${round(o.p95Ms)} ms (p50 ${round(o.p50Ms)} ms, ${o.rps} req/s)  SLO ≤ ${slo.p95Ms} ms  ${mark(o.p95Ms <= slo.p95Ms)}`,
    v.pass
      ? c.green(`PASS the SLO held through ${o.faults} fault(s) in ${o.durationS} s (seed ${o.seed})`)
      : c.red(`FAIL ${v.reason}`),
  ];
}
