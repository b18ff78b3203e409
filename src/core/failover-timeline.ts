import type { Palette } from './palette.ts';

/**
 * The failover drill's timeline, in the order of the course's failure response flow
 * (障害発生時の対応フロー): the fault, the first failed request, HAProxy marking the server
 * DOWN, the rest serving, the fault cleared, the last failed request, the server UP again.
 * Pure: the check (checks/failover.ts) records what happened; this puts it in order and words.
 */

const TIMELINE_KINDS = ['load', 'fault', 'failed', 'down', 'note', 'serving', 'cleared', 'up', 'done'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineEvent {
  /** Milliseconds since the drill started. */
  atMs: number;
  kind: TimelineKind;
  text: string;
}

/** One client request of the drill: when its answer (or error) came, and why it failed. */
export interface RequestMark {
  atMs: number;
  ok: boolean;
  /** e.g. `HTTP 503`, `ECONNRESET`, `no answer within 5000 ms`. */
  why?: string | undefined;
}

/** The first and the last failed request, with the count between them; none when all succeeded. */
export function failureEvents(requests: readonly RequestMark[]): TimelineEvent[] {
  const failed = requests.filter((r) => !r.ok).sort((a, b) => a.atMs - b.atMs);
  const first = failed[0];
  const last = failed.at(-1);
  if (!first || !last) return [];
  const why = (r: RequestMark) => (r.why ? ` (${r.why})` : '');
  if (failed.length === 1) return [{ atMs: first.atMs, kind: 'failed', text: `the only failed request${why(first)}` }];
  return [
    { atMs: first.atMs, kind: 'failed', text: `first failed request${why(first)}` },
    { atMs: last.atMs, kind: 'failed', text: `last failed request${why(last)}: ${failed.length} failed in all` },
  ];
}

/** Failed requests by cause, most frequent first: `HTTP 500 ×12, ECONNRESET ×1`. */
export function failuresByCause(requests: readonly RequestMark[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) if (!r.ok) counts[r.why ?? 'failed'] = (counts[r.why ?? 'failed'] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

/** The drill's own events and the failure marks, in time order (ties keep the flow's order). */
export function mergeTimeline(events: readonly TimelineEvent[], requests: readonly RequestMark[]): TimelineEvent[] {
  const rank = (k: TimelineKind) => TIMELINE_KINDS.indexOf(k);
  const all = [...events, ...failureEvents(requests)];
  return all
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.atMs - b.e.atMs || (a.e.kind === b.e.kind ? a.i - b.i : rank(a.e.kind) - rank(b.e.kind)))
    .map(({ e }) => e);
}

const LABELS: Record<TimelineKind, string> = {
  load: 'load',
  fault: 'FAULT',
  failed: 'FAILED',
  down: 'DOWN',
  note: '',
  serving: 'SERVING',
  cleared: 'CLEARED',
  up: 'UP',
  done: 'load',
};
const WIDTH = Math.max(...Object.values(LABELS).map((l) => l.length));

/** One line per event: `   +1.4s  DOWN     HAProxy marked app2 DOWN (…)`. */
export function formatTimeline(events: readonly TimelineEvent[], c: Palette): string[] {
  const paint: Partial<Record<TimelineKind, (s: string) => string>> = {
    fault: c.yellow,
    failed: c.red,
    down: c.yellow,
    serving: c.cyan,
    cleared: c.yellow,
    up: c.green,
  };
  return events.map((e) => {
    const at = c.dim(`+${(e.atMs / 1000).toFixed(1)}s`.padStart(7));
    const label = LABELS[e.kind].padEnd(WIDTH);
    return `  ${at}  ${(paint[e.kind] ?? c.dim)(label)}  ${e.text}`;
  });
}

/** Seconds with one decimal, for reasons: 1234 → `1.2 s`. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
