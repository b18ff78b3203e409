import { parse } from 'csv-parse/sync';
import type { Mode } from './lab-schema.ts';

/**
 * HAProxy's stats CSV (`GET <stats uri>;csv;norefresh`), read by column NAME: the column set grows
 * between versions (3.0 adds srid, h1sess, proto, ... before the `-` column, then module
 * counters), and management.txt §9.1 says the order after `-` is not guaranteed.
 */

/** The input was not HAProxy stats CSV: an HTML login or error page, an empty body, broken CSV. */
export class StatsParseError extends Error {
  override name = 'StatsParseError';
}

/** Numeric columns, by the field name used here → the CSV column name. Empty cells become null. */
const NUMBER_COLUMNS = {
  qcur: 'qcur', scur: 'scur', smax: 'smax', slim: 'slim', stot: 'stot', bin: 'bin', bout: 'bout',
  ereq: 'ereq', econ: 'econ', eresp: 'eresp', wretr: 'wretr', wredis: 'wredis',
  weight: 'weight', act: 'act', bck: 'bck', chkfail: 'chkfail', chkdown: 'chkdown',
  lastchg: 'lastchg', downtime: 'downtime', iid: 'iid', sid: 'sid', lbtot: 'lbtot', type: 'type',
  rate: 'rate', checkCode: 'check_code', checkDuration: 'check_duration',
  hrsp1xx: 'hrsp_1xx', hrsp2xx: 'hrsp_2xx', hrsp3xx: 'hrsp_3xx', hrsp4xx: 'hrsp_4xx',
  hrsp5xx: 'hrsp_5xx', hrspOther: 'hrsp_other',
  // req_tot has server rows only since HAProxy 2.2; older versions leave it out or empty.
  reqTot: 'req_tot', cliAbrt: 'cli_abrt', srvAbrt: 'srv_abrt', rtime: 'rtime', ttime: 'ttime',
} as const;

/** Free-text columns. addr/cookie/algo are only filled with `stats show-legends`. */
const TEXT_COLUMNS = {
  checkStatus: 'check_status', checkDesc: 'check_desc', lastChk: 'last_chk',
  addr: 'addr', cookie: 'cookie', mode: 'mode', algo: 'algo',
} as const;

type NumberField = keyof typeof NUMBER_COLUMNS;
type TextField = keyof typeof TEXT_COLUMNS;

/** One line of the stats CSV: a FRONTEND, BACKEND or server row of a proxy. */
export type StatsRow = {
  pxname: string;
  /** FRONTEND, BACKEND, or the server name (app1 ...). */
  svname: string;
  /** Raw status: OPEN, UP, DOWN, `UP 1/2`, `MAINT (resolution)`, `no check`, ... */
  status: string;
  /** Every column by name, for anything not typed here. */
  raw: Readonly<Record<string, string>>;
} & { [K in NumberField]: number | null } & { [K in TextField]: string | null };

const toNumber = (cell: string | undefined): number | null => {
  if (cell === undefined || cell.trim() === '') return null;
  const n = Number(cell);
  return Number.isFinite(n) ? n : null;
};
const toText = (cell: string | undefined): string | null => (cell === undefined || cell === '' ? null : cell);

/** Parse the whole CSV body. Throws StatsParseError when it is not HAProxy stats CSV. */
export function parseStatsCsv(csv: string): StatsRow[] {
  const text = csv.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new StatsParseError('The stats response is empty; expected HAProxy CSV.');
  const firstLine = text.trimStart().split(/\r?\n/, 1)[0] ?? '';
  if (!/^#\s*pxname,svname,/.test(firstLine)) {
    // A 401 page or the HTML stats page means the URL lacks `;csv` or the credentials are wrong.
    const looksHtml = /^<|<html|<!doctype/i.test(firstLine);
    throw new StatsParseError(
      looksHtml
        ? 'Got an HTML page instead of stats CSV: check the stats credentials and that the URL ends with ;csv;norefresh.'
        : `Not HAProxy stats CSV: the first line should start with "# pxname,svname," but is "${firstLine.slice(0, 60)}".`,
    );
  }
  let records: string[][];
  try {
    // Rows may be shorter or longer than the header across versions: tolerate it, names decide.
    records = parse(text.trimStart(), { relax_column_count: true, skip_empty_lines: true });
  } catch (error) {
    throw new StatsParseError(`Stats CSV could not be parsed: ${(error as Error).message}`);
  }
  const [header = [], ...body] = records;
  // Index of each named column. The trailing comma makes an empty last name; `-` only separates
  // the fixed fields from module counters. Neither is a column to read.
  const index = new Map<string, number>();
  header.forEach((name, i) => {
    const clean = (i === 0 ? name.replace(/^#\s*/, '') : name).trim();
    if (clean !== '' && clean !== '-' && !index.has(clean)) index.set(clean, i);
  });
  for (const required of ['pxname', 'svname', 'status']) {
    if (!index.has(required)) throw new StatsParseError(`Stats CSV has no "${required}" column.`);
  }
  return body.map((cells) => {
    const cell = (column: string): string | undefined => {
      const i = index.get(column);
      return i === undefined ? undefined : cells[i];
    };
    const raw: Record<string, string> = {};
    for (const [name, i] of index) raw[name] = cells[i] ?? '';
    const numbers = Object.fromEntries(
      Object.entries(NUMBER_COLUMNS).map(([field, column]) => [field, toNumber(cell(column))]),
    ) as { [K in NumberField]: number | null };
    const texts = Object.fromEntries(
      Object.entries(TEXT_COLUMNS).map(([field, column]) => [field, toText(cell(column))]),
    ) as { [K in TextField]: string | null };
    return { pxname: cell('pxname') ?? '', svname: cell('svname') ?? '', status: cell('status') ?? '', raw, ...numbers, ...texts };
  });
}

/** What a server slot means for the lab. EMPTY = a server-template slot with no replica behind it. */
export type ServerState = 'UP' | 'DOWN' | 'MAINT' | 'DRAIN' | 'NOLB' | 'EMPTY';
export const SERVER_STATES: readonly ServerState[] = ['UP', 'DOWN', 'MAINT', 'DRAIN', 'NOLB', 'EMPTY'];

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
 * UP with a passed health check. A server-template slot that DNS has just filled starts UP
 * before its first check ("start OK, check immediately", src/server.c), so UP alone would
 * call an app ready that is about to fail its check. A leading "* " marks a check in progress.
 */
export const checkedUp = (s: ServerStat): boolean => s.state === 'UP' && /^(\* )?L[4-7]OK/.test(s.checkStatus ?? '');

/**
 * HAProxy's check_status codes in words (HAProxy configuration manual, "check_status" in the
 * stats CSV fields). A leading "* " there only means a check is running now; it is dropped.
 */
const CHECK_WORDS: Record<string, string> = {
  UNK: 'unknown', INI: 'initializing', SOCKERR: 'socket error',
  L4OK: 'passed at L4', L4TOUT: 'no answer within timeout', L4CON: 'connection refused or reset',
  L6OK: 'passed at L6', L6TOUT: 'no TLS/L6 answer within timeout', L6RSP: 'invalid L6 answer',
  L7OK: 'passed', L7OKC: 'passed (conditionally)', L7TOUT: 'no HTTP answer within timeout',
  L7RSP: 'invalid HTTP answer', L7STS: 'bad HTTP status',
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
export function deltas(before: readonly StatsRow[], after: readonly StatsRow[], mode: Mode, backend = 'app'): ServerDelta[] {
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
      served: diff('served'), wretr: diff('wretr'), wredis: diff('wredis'), econ: diff('econ'), eresp: diff('eresp'),
      state: s.state, status: s.status, reset,
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
export function frontendErrors(before: readonly StatsRow[], after: readonly StatsRow[], frontend = 'web'): FrontendErrors | null {
  const find = (rows: readonly StatsRow[]) => rows.find((r) => r.pxname === frontend && r.svname === 'FRONTEND');
  const now = find(after);
  if (now === undefined) return null;
  const then = find(before);
  const n = { hrsp5xx: now.hrsp5xx ?? 0, ereq: now.ereq ?? 0 };
  const t = { hrsp5xx: then?.hrsp5xx ?? 0, ereq: then?.ereq ?? 0 };
  const reset = n.hrsp5xx < t.hrsp5xx || n.ereq < t.ereq;
  return reset ? { ...n, reset } : { hrsp5xx: n.hrsp5xx - t.hrsp5xx, ereq: n.ereq - t.ereq, reset };
}
