import { deltas, frontendErrors } from './haproxy-servers.ts';
import type { StatsRow } from './haproxy-stats.ts';
import type { Mode } from './lab-schema.ts';
import type { Mark, Second } from './svg-charts.ts';

/**
 * A run as HAProxy counted it, from its stats read about once a second (haproxy/stats-sampler.ts):
 * requests per second, failures per second, every server's state changes, and what each server
 * served over the whole run. Pure. HAProxy's view, not a client's: a request a client gave up on
 * before HAProxy answered is not in it, a 503 HAProxy sent for want of a server is.
 */
export interface StatsSample {
  /** Milliseconds since the run started. */
  atMs: number;
  rows: readonly StatsRow[];
}

export interface StatsTimeline {
  seconds: Second[];
  /** Server state changes (UP → DOWN …), in time order. */
  marks: Mark[];
  /** What each server served between the first and the last sample, and its last state. */
  perServer: { name: string; requests: number; state: string }[];
}

export function statsTimeline(
  samples: readonly StatsSample[],
  mode: Mode,
  backend = 'app',
  frontend = 'web',
): StatsTimeline {
  const seconds: Second[] = [];
  const marks: Mark[] = [];
  for (let i = 1; i < samples.length; i++) {
    const before = samples[i - 1]!;
    const after = samples[i]!;
    const servers = deltas(before.rows, after.rows, mode, backend);
    const served = servers.reduce((n, s) => n + s.served, 0);
    const failed = frontendErrors(before.rows, after.rows, frontend)?.hrsp5xx ?? 0;
    // Per second even when a read came late; a 5xx a server answered is among what it served: count it once, as failed.
    const perS = (n: number) => Math.round((n * 1000) / Math.max(1, after.atMs - before.atMs));
    seconds.push({
      t: Math.round(before.atMs / 100) / 10,
      requests: perS(Math.max(0, served - failed)),
      failed: perS(failed),
    });
    const then = new Map(deltas(before.rows, before.rows, mode, backend).map((s) => [s.name, s.state]));
    for (const s of servers) {
      const was = then.get(s.name);
      if (was !== undefined && was !== s.state)
        marks.push({
          t: Math.round(after.atMs / 100) / 10,
          kind: s.state === 'UP' ? 'up' : s.state === 'DOWN' ? 'down' : 'state',
          label: `${s.name} ${s.state}`,
        });
    }
  }
  const first = samples[0];
  const last = samples.at(-1);
  // An empty slot (server-template waiting for a replica) served nothing and is not a server yet.
  const perServer =
    first && last
      ? deltas(first.rows, last.rows, mode, backend)
          .filter((s) => s.state !== 'EMPTY')
          .map((s) => ({ name: s.name, requests: s.served, state: s.state }))
      : [];
  return { seconds, marks, perServer };
}
