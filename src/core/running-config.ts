import { serverState } from './haproxy-servers.ts';
import type { StatsRow } from './haproxy-stats.ts';
import type { RunningConfigView } from './html-report.ts';
import { ALGORITHMS, MODES, type Algorithm, type Mode } from './lab-schema.ts';

/** The settings a distribution check is judged by. */
export interface Judged {
  algorithm: Algorithm;
  mode: Mode;
  sticky: boolean;
}

export interface JudgedConfig extends Judged {
  /** Where the settings come from: HAProxy's stats, or lab.json when the stats don't say. */
  source: 'haproxy' | 'lab.json';
  /** Each way HAProxy's running configuration differs from lab.json, in words. */
  differences: string[];
  /** HAProxy runs a balance algorithm lab has no verdict for (e.g. uri). */
  unjudgeable?: string;
}

/**
 * The configuration HAProxy actually runs, from its stats CSV: the backend row's `algo`, `mode`
 * and `cookie` columns (filled with `stats show-legends`). HAProxy 2.6 and 3.0 print `unknown`
 * as the algo of `balance random` (src/backend.c backend_lb_algo_str() names no random
 * algorithm): among lab's algorithms that can only be random.
 */
export function judgedConfig(recorded: Judged, rows: readonly StatsRow[], backend = 'app'): JudgedConfig {
  const row = rows.find((r) => r.pxname === backend && r.svname === 'BACKEND');
  const algo = row?.algo ?? undefined;
  const mode = row?.mode ?? undefined;
  if (!row || algo === undefined || mode === undefined || !(MODES as readonly string[]).includes(mode)) {
    return { ...recorded, source: 'lab.json', differences: [] };
  }
  const algorithm =
    algo === 'unknown' ? 'random' : (ALGORITHMS as readonly string[]).includes(algo) ? (algo as Algorithm) : undefined;
  const running: Judged = {
    algorithm: algorithm ?? recorded.algorithm,
    mode: mode as Mode,
    sticky: row.cookie !== null,
  };
  const differences = [
    ...(algorithm === undefined || running.algorithm !== recorded.algorithm
      ? [`HAProxy runs balance ${algorithm ?? algo}, lab.json says ${recorded.algorithm}`]
      : []),
    ...(running.mode !== recorded.mode ? [`HAProxy runs mode ${running.mode}, lab.json says ${recorded.mode}`] : []),
    ...(running.sticky !== recorded.sticky
      ? [
          `HAProxy ${running.sticky ? 'sets' : 'sets no'} sticky cookie, lab.json says ${recorded.sticky ? 'sticky' : 'not sticky'}`,
        ]
      : []),
  ];
  return { ...running, source: 'haproxy', differences, ...(algorithm === undefined ? { unjudgeable: algo } : {}) };
}

/**
 * The report's view of what HAProxy runs (core/html-report.ts): the judged settings, the config
 * id HAProxy serves, and each server as its stats show it (state, weight, check, backup). Pure.
 */
export function runningConfigView(
  recorded: Judged,
  rows: readonly StatsRow[],
  configId: string | undefined,
  backend = 'app',
): RunningConfigView {
  const c = judgedConfig(recorded, rows, backend);
  // An empty slot (server-template waiting for a replica) is no server yet.
  const servers = rows.filter(
    (r) =>
      r.pxname === backend && r.svname !== 'BACKEND' && r.svname !== 'FRONTEND' && serverState(r.status) !== 'EMPTY',
  );
  return {
    source: c.source === 'haproxy' ? "HAProxy's stats" : "lab.json (HAProxy's stats do not say)",
    settings: [
      { name: 'balance', value: c.unjudgeable ?? c.algorithm },
      { name: 'mode', value: c.mode },
      { name: 'cookie', value: c.sticky ? 'sticky' : 'none' },
      { name: 'backend', value: backend },
      ...(configId ? [{ name: 'config id', value: configId }] : []),
    ],
    differences: c.differences,
    servers: servers.map((r) => ({
      name: r.svname,
      state: r.status,
      weight: r.weight === null ? '' : String(r.weight),
      check: r.checkStatus ?? '',
      role: (r.bck ?? 0) > 0 ? 'backup' : 'active',
    })),
  };
}
