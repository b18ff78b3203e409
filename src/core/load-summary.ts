/**
 * What a load run saw, in the shape of the demo app's client summary (compose/whoami/README.md,
 * "Client mode"), whether the traffic came from the lab's clients or from this machine. Pure.
 */
interface Failures {
  connect: number;
  timeout: number;
  '5xx': number;
  other: number;
}

interface Latency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadSummary {
  sent: number;
  ok: number;
  failed: number;
  failures: Failures;
  durationMs: number;
  /** Requests per second over the run. */
  rps: number;
  latencyMs: Latency;
  /** Answers by X-App (service/replica/version). */
  byApp: Record<string, number>;
  /** Answers by HAProxy's X-Served-By (its server name). */
  byServedBy: Record<string, number>;
  /** The first few distinct errors. */
  errors: string[];
  interrupted?: boolean;
}

const NO_FAILURES: Failures = { connect: 0, timeout: 0, '5xx': 0, other: 0 };
const NO_LATENCY: Latency = { p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };

export const emptySummary = (): LoadSummary => ({
  sent: 0,
  ok: 0,
  failed: 0,
  failures: { ...NO_FAILURES },
  durationMs: 0,
  rps: 0,
  latencyMs: { ...NO_LATENCY },
  byApp: {},
  byServedBy: {},
  errors: [],
});

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const counts = (v: unknown): Record<string, number> =>
  v && typeof v === 'object'
    ? (Object.fromEntries(Object.entries(v).filter(([, n]) => typeof n === 'number')) as Record<string, number>)
    : {};

/** A client's summary as it arrived (JSON), with every field lab reads present. */
export function normalizeSummary(raw: unknown): LoadSummary {
  const r = (raw ?? {}) as Record<string, unknown>;
  const f = (r.failures ?? {}) as Record<string, unknown>;
  const l = (r.latencyMs ?? {}) as Record<string, unknown>;
  const sent = num(r.sent);
  return {
    sent,
    ok: num(r.ok),
    failed: num(r.failed),
    failures: { connect: num(f.connect), timeout: num(f.timeout), '5xx': num(f['5xx']), other: num(f.other) },
    durationMs: num(r.durationMs),
    rps: num(r.rps),
    latencyMs: { p50: num(l.p50), p95: num(l.p95), p99: num(l.p99), max: num(l.max), mean: num(l.mean) },
    byApp: counts(r.byApp),
    byServedBy: counts(r.byServedBy),
    errors: Array.isArray(r.errors) ? r.errors.filter((e): e is string => typeof e === 'string') : [],
    ...(r.interrupted === true ? { interrupted: true } : {}),
  };
}

const add = (a: Record<string, number>, b: Record<string, number>): Record<string, number> => {
  const out = { ...a };
  for (const [k, n] of Object.entries(b)) out[k] = (out[k] ?? 0) + n;
  return out;
};
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The summaries of clients that ran side by side, as one. Counts add up, and so does the rate
 * (the clients sent in parallel); the duration is the longest. A percentile cannot be rebuilt
 * from percentiles: p50/p95/p99 and max are the worst client's (an upper bound), the mean is
 * weighted by answers.
 */
export function mergeSummaries(list: readonly LoadSummary[]): LoadSummary {
  if (list.length === 1) return list[0]!;
  const out = emptySummary();
  let weighted = 0;
  let answers = 0;
  for (const s of list) {
    out.sent += s.sent;
    out.ok += s.ok;
    out.failed += s.failed;
    for (const k of Object.keys(NO_FAILURES) as (keyof Failures)[]) out.failures[k] += s.failures[k];
    out.durationMs = Math.max(out.durationMs, s.durationMs);
    out.rps += s.rps;
    for (const k of ['p50', 'p95', 'p99', 'max'] as const)
      out.latencyMs[k] = Math.max(out.latencyMs[k], s.latencyMs[k]);
    const n = s.sent - s.failures.connect - s.failures.timeout;
    weighted += s.latencyMs.mean * n;
    answers += n;
    out.byApp = add(out.byApp, s.byApp);
    out.byServedBy = add(out.byServedBy, s.byServedBy);
    for (const e of s.errors) if (out.errors.length < 5 && !out.errors.includes(e)) out.errors.push(e);
    if (s.interrupted) out.interrupted = true;
  }
  out.rps = round2(out.rps);
  out.latencyMs.mean = answers ? round2(weighted / answers) : 0;
  return out;
}

/**
 * Runs of the same state one after another (e.g. the rounds of an interleaved measurement), as
 * one. Counts add up; the rate and the percentiles are the runs' averages weighted by their
 * duration (a percentile cannot be rebuilt from percentiles; for near-equal rounds of the same
 * state the weighted mean is close, where the worst round's would punish one noisy second).
 */
export function sequentialSummary(list: readonly LoadSummary[]): LoadSummary {
  if (list.length === 1) return list[0]!;
  const out = mergeSummaries(list);
  const total = list.reduce((n, s) => n + s.durationMs, 0);
  const avg = (f: (s: LoadSummary) => number) =>
    total ? round2(list.reduce((n, s) => n + f(s) * s.durationMs, 0) / total) : 0;
  out.durationMs = total;
  out.rps = avg((s) => s.rps);
  for (const k of ['p50', 'p95', 'p99'] as const) out.latencyMs[k] = avg((s) => s.latencyMs[k]);
  return out;
}

/** `total` split into `parts` near-equal whole shares, larger first: 10 over 3 → [4, 3, 3]. */
export function splitEvenly(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < total % parts ? 1 : 0));
}

/** The p-th percentile (0 < p ≤ 100) of samples by nearest rank; 0 without samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Who answered, for reports: HAProxy's server names when it sent them, else the apps' X-App. */
export const answeredBy = (s: Pick<LoadSummary, 'byApp' | 'byServedBy'>): Record<string, number> =>
  Object.keys(s.byServedBy).length ? s.byServedBy : s.byApp;
