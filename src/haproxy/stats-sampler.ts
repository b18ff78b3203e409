import type { StatsSample } from '../core/stats-timeline.ts';
import { readStats, type StatsEndpoint } from './stats-client.ts';

/** HAProxy's stats read about once a second in the background, for a report's timeline. */
export interface StatsSampler {
  /** performance.now() when sampling started: samples' atMs count from it. */
  t0: number;
  /** Take a last sample, stop, and return every sample read. */
  stop(): Promise<StatsSample[]>;
}

/**
 * Start sampling. A read that fails (HAProxy reloading, a loaded machine) is skipped: the next
 * second's delta covers it (core/stats-timeline.ts divides by the real interval).
 */
export function sampleStats(stats: StatsEndpoint, everyMs = 1000): StatsSampler {
  const t0 = performance.now();
  const samples: StatsSample[] = [];
  const take = async () => {
    const at = performance.now() - t0;
    const rows = await readStats(stats, 900).catch(() => undefined);
    if (rows) samples.push({ atMs: at, rows });
  };
  let pending = take();
  const timer = setInterval(() => {
    pending = pending.then(take);
  }, everyMs);
  return {
    t0,
    stop: async () => {
      clearInterval(timer);
      await pending;
      await take();
      return samples.sort((a, b) => a.atMs - b.atMs);
    },
  };
}
