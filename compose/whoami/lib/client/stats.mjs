// What a load run saw: counts, failures by cause, latency percentiles, who answered. Pure.

const MIN_MS = 0.01;
const GROWTH = 1.01;
const BUCKETS = 1700; // 0.01 ms .. ~2 minutes at 1% resolution

/** Latencies in log buckets: percentiles within 1% in constant memory, however long the run. */
export class Histogram {
  counts = new Uint32Array(BUCKETS);
  n = 0;
  sum = 0;
  max = 0;

  add(ms) {
    const i = ms <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN_MS) / Math.log(GROWTH)));
    this.counts[i] += 1;
    this.n += 1;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  /** The p-th percentile (0 < p <= 100) by nearest rank, in ms; 0 without samples. */
  percentile(p) {
    if (!this.n) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(MIN_MS * GROWTH ** i, this.max);
    }
    return this.max;
  }
}

/**
 * Why a request failed, or 'ok': connect (no connection: refused, unreachable, or none within
 * the timeout), timeout (connected, no whole answer in time), 5xx, other (4xx, resets, …).
 */
export function outcome(r) {
  if (r.cause) return r.cause;
  if (r.status >= 500) return '5xx';
  if (r.status >= 200 && r.status < 400) return 'ok';
  return 'other';
}

const round = (ms) => Math.round(ms * 100) / 100;
const bump = (map, key) => { map[key] = (map[key] ?? 0) + 1; };

/** Counts of one run, or of one second of it. */
export class Tally {
  sent = 0;
  ok = 0;
  failures = { connect: 0, timeout: 0, '5xx': 0, other: 0 };
  latency = new Histogram();
  byApp = {};
  failedByApp = {};
  byServedBy = {};
  sessions = { new: 0, kept: 0, lost: 0 };
  errors = [];

  /** r: { status, ms, cause?, error?, app?, servedBy?, session? } */
  record(r) {
    this.sent += 1;
    const result = outcome(r);
    if (result === 'ok') this.ok += 1;
    else {
      this.failures[result] += 1;
      const why = r.error ?? `HTTP ${r.status}`;
      if (this.errors.length < 5 && !this.errors.includes(why)) this.errors.push(why);
    }
    if (r.cause) return;
    this.latency.add(r.ms);
    if (r.app) {
      bump(this.byApp, r.app);
      if (result !== 'ok') bump(this.failedByApp, r.app);
    }
    if (r.servedBy) bump(this.byServedBy, r.servedBy);
    const state = r.session?.split(';')[0]?.trim();
    if (state && Object.hasOwn(this.sessions, state)) this.sessions[state] += 1;
  }

  get failed() {
    return this.sent - this.ok;
  }

  latencyMs() {
    const h = this.latency;
    return { p50: round(h.percentile(50)), p95: round(h.percentile(95)), p99: round(h.percentile(99)), max: round(h.max), mean: round(h.n ? h.sum / h.n : 0) };
  }

  /** The whole run: `ms` is how long it has run. */
  summary(ms) {
    const by = (part) => {
      const out = {};
      for (const [app, n] of Object.entries(this.byApp)) out[app.split('/')[part]] = (out[app.split('/')[part]] ?? 0) + n;
      return out;
    };
    return {
      sent: this.sent,
      ok: this.ok,
      failed: this.failed,
      failures: { ...this.failures },
      durationMs: Math.round(ms),
      rps: ms > 0 ? Math.round((this.sent / ms) * 100_000) / 100 : 0,
      latencyMs: this.latencyMs(),
      byApp: { ...this.byApp },
      byService: by(0),
      byVersion: by(2),
      failedByApp: { ...this.failedByApp },
      byServedBy: { ...this.byServedBy },
      sessions: { ...this.sessions },
      errors: [...this.errors],
    };
  }

  /** One second (or the last part of one) of a run, for live views. */
  tick(t) {
    const { p50, p95 } = this.latencyMs();
    return { type: 'tick', t: round(t), sent: this.sent, ok: this.ok, failed: this.failed, failures: { ...this.failures }, p50, p95, byApp: { ...this.byApp } };
  }
}
