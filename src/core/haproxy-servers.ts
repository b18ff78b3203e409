import type { Mode } from './lab-constants.ts';
import type { StatsRow } from './haproxy-stats.ts';

/**
 * What the rows of haproxy-stats.ts mean for a lab: each server slot's state, what it served,
 * and what changed between two snapshots (a check's before and after).
 */

/** What a server slot means for the lab. EMPTY = a server-template slot with no replica behind it. */
export type ServerState = 'UP' | 'DOWN' | 'MAINT' | 'DRAIN' | 'NOLB' | 'EMPTY';
const SERVER_STATES: readonly ServerState[] = ['UP', 'DOWN', 'MAINT', 'DRAIN', 'NOLB', 'EMPTY'];

/** A server row with its derived state; `status` keeps HAProxy's own string. */
export type ServerStat = StatsRow & { state: ServerState };

/** Map HAProxy's status string (src/stats-proxy.c srv_hlt_st[]) onto ServerState. */
export function serverState(status: string): ServerState {
  const s = status.trim();
  if (s === 'MAINT (resolution)') return 'EMPTY'; // DNS gave this slot no address: no replica
  if (s.startsWith('MAINT')) return 'MAINT'; // also `MAINT (via backend/server)`
  if (s.startsWith('DRAIN')) return 'DRAIN';
  if (s.startsWith('NOLB')) return 'NOLB';
  // `UP 1/2` is going down but still takes traffic; `no check` is a server without health checks.
  if (s.startsWith('UP') || s === 'no check') return 'UP';
  // `DOWN 1/2` is coming back but takes no traffic yet. Unknown strings are treated as not serving.
  return 'DOWN';
}

/** Server rows of one backend (no FRONTEND/BACKEND aggregate rows), in CSV order. */
export function backendServers(rows: readonly StatsRow[], backend = 'app'): ServerStat[] {
  return rows
    .filter((r) => r.pxname === backend && r.svname !== 'FRONTEND' && r.svname !== 'BACKEND')
    .map((r) => ({ ...r, state: serverState(r.status) }));
}

/**
 * A server row's address without its port: `10.0.0.5:8000` → `10.0.0.5`. HAProxy writes an IPv6
 * address in brackets (`[fd00::5]:8000`), whose colons are the address's own; an address without
 * a port (`fd00::5`, `10.0.0.5`) is kept whole. Empty or missing: undefined.
 */
export function addrIp(s: { addr?: string | null | undefined }): string | undefined {
  const addr = s.addr?.trim();
  if (!addr) return undefined;
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(addr);
  if (bracketed) return bracketed[1] || undefined;
  // One colon is host:port; more are an unbracketed IPv6 address without a port.
  const colon = addr.indexOf(':');
  return colon >= 0 && colon === addr.lastIndexOf(':') ? addr.slice(0, colon) || undefined : addr;
}

/** Every backend's server rows whose address is this IP (a replica can sit in several backends). */
export function serversAt(rows: readonly StatsRow[], ip: string): ServerStat[] {
  return rows
    .filter((r) => r.svname !== 'FRONTEND' && r.svname !== 'BACKEND' && addrIp(r) === ip)
    .map((r) => ({ ...r, state: serverState(r.status) }));
}

/**
 * Server rows of every backend (a student's file names its own backends; lab's stats listener
 * has no servers), in CSV order.
 */
export function allBackendServers(rows: readonly StatsRow[]): ServerStat[] {
  return rows
    .filter((r) => r.svname !== 'FRONTEND' && r.svname !== 'BACKEND')
    .map((r) => ({ ...r, state: serverState(r.status) }));
}

/**
 * UP with a passed health check. A server-template slot that DNS has just filled starts UP
 * before its first check ("start OK, check immediately", src/server.c), so UP alone would
 * call an app ready that is about to fail its check. A leading "* " marks a check in progress.
 */
export const checkedUp = (s: ServerStat): boolean => s.state === 'UP' && /^(\* )?L[4-7]OK/.test(s.checkStatus ?? '');

/**
 * Serving as the servers check counts it: UP with a passed check, or UP without health checks.
 * lab test waits for this before grading a starter (exercises/starter-ready.ts), so the two agree.
 */
export const servingUp = (s: ServerStat): boolean =>
  checkedUp(s) || (s.state === 'UP' && s.status.trim() === 'no check');

/**
 * HAProxy's check_status codes in words (HAProxy configuration manual, "check_status" in the
 * stats CSV fields). A leading "* " there only means a check is running now; it is dropped.
 */
const CHECK_WORDS: Record<string, string> = {
  UNK: 'unknown',
  INI: 'initializing',
  SOCKERR: 'socket error',
  L4OK: 'passed at L4',
  L4TOUT: 'no answer within timeout',
  L4CON: 'connection refused or reset',
  L6OK: 'passed at L6',
  L6TOUT: 'no TLS/L6 answer within timeout',
  L6RSP: 'invalid L6 answer',
  L7OK: 'passed',
  L7OKC: 'passed (conditionally)',
  L7TOUT: 'no HTTP answer within timeout',
  L7RSP: 'invalid HTTP answer',
  L7STS: 'bad HTTP status',
  // observe layer4 (connections) or layer7 (answers, e.g. 500s) with on-error mark-down: requests, not a check, found it failing.
  HANA: 'real traffic failed (observe layer4 or layer7, on-error mark-down)',
};

/** A server's status with its health check said plainly, e.g. "DOWN (health check: L4TOUT, no answer within timeout)". Pure. */
export function describeServer(s: Pick<ServerStat, 'status' | 'checkStatus'>): string {
  const code = (s.checkStatus ?? '').replace(/^\* /, '').trim();
  if (!code) return s.status;
  const words = CHECK_WORDS[code];
  return `${s.status} (health check: ${code}${words ? `, ${words}` : ''})`;
}

export interface ServerSummary {
  counts: Record<ServerState, number>;
  /** Slots with a replica behind them (state is not EMPTY). */
  nonEmpty: ServerStat[];
}

export function summarize(servers: readonly ServerStat[]): ServerSummary {
  const counts = Object.fromEntries(SERVER_STATES.map((s) => [s, 0])) as Record<ServerState, number>;
  for (const s of servers) counts[s.state] += 1;
  return { counts, nonEmpty: servers.filter((s) => s.state !== 'EMPTY') };
}

const sum = (values: readonly (number | null)[]): number | null =>
  values.some((v) => v !== null) ? values.reduce<number>((a, v) => a + (v ?? 0), 0) : null;

/**
 * Requests a row has served. http: req_tot (2.2+), else the sum of hrsp_* (same increment site),
 * else stot (one stream per request in http mode). tcp: stot, one per client connection.
 */
export function served(row: StatsRow, mode: Mode): number {
  if (mode === 'tcp') return row.stot ?? 0;
  const responses = sum([row.hrsp1xx, row.hrsp2xx, row.hrsp3xx, row.hrsp4xx, row.hrsp5xx, row.hrspOther]);
  return row.reqTot ?? responses ?? row.stot ?? 0;
}

/** What one server did between two snapshots. */
export interface ServerDelta {
  name: string;
  served: number;
  wretr: number;
  wredis: number;
  econ: number;
  eresp: number;
  /** State in the later snapshot. */
  state: ServerState;
  status: string;
  /** Counters went backwards (HAProxy reloaded): the later values are used as the whole delta. */
  reset: boolean;
  /** The address HAProxy sends to (`addr`, with `stats show-legends`), e.g. 172.18.0.4:8000. */
  addr?: string | undefined;
}

type Counters = Pick<ServerDelta, 'served' | 'wretr' | 'wredis' | 'econ' | 'eresp'>;
const counters = (row: StatsRow, mode: Mode): Counters => ({
  served: served(row, mode),
  wretr: row.wretr ?? 0,
  wredis: row.wredis ?? 0,
  econ: row.econ ?? 0,
  eresp: row.eresp ?? 0,
});

/**
 * Per-server difference of two snapshots. Counters are per HAProxy worker and restart at 0 on a
 * reload, so a counter that went down means "count from zero". Servers gone from `after` are left
 * out; servers new in `after` count from zero.
 */
export function deltas(
  before: readonly StatsRow[],
  after: readonly StatsRow[],
  mode: Mode,
  backend = 'app',
): ServerDelta[] {
  const earlier = new Map(backendServers(before, backend).map((s) => [s.svname, counters(s, mode)]));
  return backendServers(after, backend).map((s) => {
    const now = counters(s, mode);
    const then = earlier.get(s.svname);
    const keys = Object.keys(now) as (keyof Counters)[];
    const reset = then !== undefined && keys.some((k) => now[k] < then[k]);
    const base = then === undefined || reset ? undefined : then;
    const diff = (k: keyof Counters) => now[k] - (base?.[k] ?? 0);
    return {
      name: s.svname,
      served: diff('served'),
      wretr: diff('wretr'),
      wredis: diff('wredis'),
      econ: diff('econ'),
      eresp: diff('eresp'),
      state: s.state,
      status: s.status,
      reset,
      ...(s.addr ? { addr: s.addr } : {}),
    };
  });
}

/** Errors a client saw at the frontend: 5xx answers (HAProxy's own 503s included) and bad requests. */
export interface FrontendErrors {
  hrsp5xx: number;
  ereq: number;
  reset: boolean;
}

/** Frontend error delta, or null when `after` has no such frontend. */
export function frontendErrors(
  before: readonly StatsRow[],
  after: readonly StatsRow[],
  frontend = 'web',
): FrontendErrors | null {
  const find = (rows: readonly StatsRow[]) => rows.find((r) => r.pxname === frontend && r.svname === 'FRONTEND');
  const now = find(after);
  if (now === undefined) return null;
  const then = find(before);
  const n = { hrsp5xx: now.hrsp5xx ?? 0, ereq: now.ereq ?? 0 };
  const t = { hrsp5xx: then?.hrsp5xx ?? 0, ereq: then?.ereq ?? 0 };
  const reset = n.hrsp5xx < t.hrsp5xx || n.ereq < t.ereq;
  return reset ? { ...n, reset } : { hrsp5xx: n.hrsp5xx - t.hrsp5xx, ereq: n.ereq - t.ereq, reset };
}

/**
 * Health checks have settled: no server with a replica behind it is still at its first check
 * (check status INI) or between UP and DOWN (`UP 1/2`, `DOWN 1/2`). Right after a reload,
 * checks take `rise` intervals to pass; a grade taken then judges a stack still starting.
 */
export function checksSettled(rows: readonly StatsRow[]): boolean {
  return rows
    .filter((r) => r.svname !== 'FRONTEND' && r.svname !== 'BACKEND')
    .every(
      (r) =>
        serverState(r.status) === 'EMPTY' ||
        (!/^(\* )?INI/.test(r.checkStatus ?? '') && !/^(UP|DOWN) \d+\/\d+/.test(r.status.trim())),
    );
}
