import { UsageError } from './errors.ts';
import { answeredBy, type LoadSummary } from './load-summary.ts';
import type { Palette } from './palette.ts';
import { renderTable } from './report.ts';

/** `lab load`'s settings, checked before anything is sent. Pure. */
export interface LoadSettings {
  rate: number;
  /** Seconds; without --duration, until Ctrl-C (at most an hour). */
  durationS: number;
  untilStopped: boolean;
  concurrency: number;
  clients: number | undefined;
  path: string;
}

const DEFAULT_RATE = 20;
const MAX_LOAD_SECONDS = 3600;

const positive = (raw: string, option: string, max: number, whole: boolean, example: string): number => {
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(n > 0) || n > max || (whole && !Number.isInteger(n))) {
    throw new UsageError(
      `${option} must be a ${whole ? 'whole ' : ''}number above 0 and at most ${max} (got "${raw}")`,
      { hint: `e.g. ${option} ${example}` },
    );
  }
  return n;
};

export function parseLoadSettings(o: {
  rate?: string | undefined;
  duration?: string | undefined;
  concurrency?: string | undefined;
  clients?: string | undefined;
  path?: string | undefined;
}): LoadSettings {
  const rate = o.rate === undefined ? DEFAULT_RATE : positive(o.rate, '--rate', 100_000, false, '50');
  const duration =
    o.duration === undefined ? undefined : positive(o.duration, '--duration', MAX_LOAD_SECONDS, false, '30');
  const path = o.path ?? '/';
  if (!/^\/[^\s#]*$/.test(path))
    throw new UsageError(`--path must be a path like / or /work?ms=20 (got "${path}")`, {
      hint: 'e.g. --path /slow?ms=200',
    });
  return {
    rate,
    durationS: duration ?? MAX_LOAD_SECONDS,
    untilStopped: duration === undefined,
    // Enough in flight for the rate at up to ~1 s answers, unless the user says otherwise.
    concurrency:
      o.concurrency === undefined
        ? Math.min(256, Math.max(8, Math.ceil(rate)))
        : positive(o.concurrency, '--concurrency', 1000, true, '16'),
    clients: o.clients === undefined ? undefined : positive(o.clients, '--clients', 20, true, '2'),
    path,
  };
}

/** The text summary of a load run: totals, failures by cause, latency, and who answered. Pure. */
export function renderLoadSummary(
  s: LoadSummary,
  senders: readonly { sender: string; summary: LoadSummary }[],
  c: Palette,
): string[] {
  const f = s.failures;
  const causes = Object.entries(f)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const servers = Object.entries(answeredBy(s)).sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }));
  const l = s.latencyMs;
  return [
    `${c.bold('sent')} ${s.sent} in ${(s.durationMs / 1000).toFixed(1)} s (${s.rps} req/s)${s.interrupted ? ' — stopped early' : ''}`,
    `${c.bold('failed')} ${s.failed ? c.red(String(s.failed)) : '0'}${causes ? ` (${causes})` : ''}${s.errors.length ? `: ${s.errors.join(', ')}` : ''}`,
    `${c.bold('latency')} p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms${senders.length > 1 ? c.dim(" (percentiles: the slowest client's)") : ''}`,
    '',
    renderTable(
      servers.map(([name, n]) => [name, String(n), `${s.ok ? Math.round((100 * n) / s.ok) : 0}%`]),
      ['SERVER', 'ANSWERS', 'SHARE'],
    ),
    ...(senders.length > 1
      ? [
          '',
          renderTable(
            senders.map((x) => [x.sender, String(x.summary.sent), String(x.summary.failed), String(x.summary.rps)]),
            ['SENDER', 'SENT', 'FAILED', 'REQ/S'],
          ),
        ]
      : []),
  ];
}
