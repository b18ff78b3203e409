import { emptySummary, type LoadSummary, percentile } from '../core/load-summary.ts';
import type { HttpAnswer } from '../core/verdicts-http.ts';
import { type RequestResult, sendLoad } from '../http/load.ts';
import { probeSeries } from '../http/probe.ts';
import type { LoadRequest, ProbeRequest, RunningLoad, TrafficSource } from './source.ts';

/** Traffic from this machine through HAProxy's published app port (a lab without `clients:`). */
export function loopbackSource(appUrl: string): TrafficSource {
  const start = async (req: LoadRequest, senders = 1): Promise<RunningLoad> => {
    const stop = new AbortController();
    const tallies = Array.from({ length: senders }, () => new Tally());
    const t0 = performance.now();
    const until = req.durationS === undefined ? undefined : t0 + req.durationS * 1000;
    const runs = tallies.map((tally) =>
      sendLoad({
        url: new URL(req.path, appUrl).toString(),
        requests: Math.ceil((req.requests ?? Number.MAX_SAFE_INTEGER) / senders),
        concurrency: Math.max(1, Math.round(req.concurrency / senders)),
        rate: req.rate === undefined ? undefined : req.rate / senders,
        keepAlive: req.keepAlive,
        headers: req.headers,
        cookieJar: req.cookies,
        timeoutMs: req.timeoutMs ?? 5000,
        signal: stop.signal,
        ...(until === undefined ? {} : { until }),
        onResult: (r) => tally.add(r),
      }),
    );
    const view = () =>
      tallies.map((tally, i) => ({
        sender: senders > 1 ? `browser ${i + 1}` : 'this machine',
        summary: tally.summary(performance.now() - t0, stop.signal.aborted),
      }));
    const done = Promise.all(runs).then(view);
    return {
      snapshot: async () => view(),
      stop: async () => {
        stop.abort();
        return done;
      },
      done,
    };
  };
  return {
    kind: 'loopback',
    where: `this machine (${appUrl})`,
    senders: Number.POSITIVE_INFINITY,
    start,
    run: async (req, senders = 1, signal) => {
      const running = await start(req, senders);
      const onAbort = () => void running.stop();
      signal?.addEventListener('abort', onAbort);
      try {
        return await running.done;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
    probe: (requests: readonly ProbeRequest[], cookies: boolean, signal?: AbortSignal): Promise<HttpAnswer[]> =>
      probeSeries({
        requests: requests.map((r) => ({ ...r, url: new URL(r.path, appUrl).toString() })),
        cookies,
        ...(signal ? { signal } : {}),
      }),
  };
}

/** What one sender on this machine saw, in the clients' summary shape. */
class Tally {
  private s = emptySummary();
  private latencies: number[] = [];

  add(r: RequestResult): void {
    const s = this.s;
    s.sent++;
    if (r.ok) s.ok++;
    else {
      s.failed++;
      s.failures[cause(r)]++;
      const why = r.error ?? `HTTP ${r.status}`;
      if (s.errors.length < 5 && !s.errors.includes(why)) s.errors.push(why);
    }
    if (r.status) this.latencies.push(r.ms);
    if (r.app) s.byApp[r.app] = (s.byApp[r.app] ?? 0) + 1;
    if (r.server) s.byServedBy[r.server] = (s.byServedBy[r.server] ?? 0) + 1;
  }

  summary(ms: number, interrupted: boolean): LoadSummary {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const r2 = (n: number) => Math.round(n * 100) / 100;
    const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : 0;
    return {
      ...this.s,
      failures: { ...this.s.failures },
      byApp: { ...this.s.byApp },
      byServedBy: { ...this.s.byServedBy },
      errors: [...this.s.errors],
      durationMs: Math.round(ms),
      rps: ms > 0 ? r2((this.s.sent / ms) * 1000) : 0,
      latencyMs: {
        p50: r2(percentile(sorted, 50)),
        p95: r2(percentile(sorted, 95)),
        p99: r2(percentile(sorted, 99)),
        max: r2(sorted.at(-1) ?? 0),
        mean: r2(mean),
      },
      ...(interrupted ? { interrupted: true } : {}),
    };
  }
}

/** The client mode's causes (compose/whoami/lib/client/stats.mjs outcome): connect, timeout, 5xx, other. */
function cause(r: RequestResult): 'connect' | 'timeout' | '5xx' | 'other' {
  if (r.status >= 500) return '5xx';
  if (r.code === 'TIMEOUT') return 'timeout';
  if (r.code && ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(r.code))
    return 'connect';
  return 'other';
}
