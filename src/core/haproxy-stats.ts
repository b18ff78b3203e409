import { parse } from 'csv-parse/sync';

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
  qcur: 'qcur',
  scur: 'scur',
  smax: 'smax',
  slim: 'slim',
  stot: 'stot',
  bin: 'bin',
  bout: 'bout',
  ereq: 'ereq',
  econ: 'econ',
  eresp: 'eresp',
  wretr: 'wretr',
  wredis: 'wredis',
  // throttle: the percent of its share a server gets while its slowstart runs; empty otherwise.
  weight: 'weight',
  throttle: 'throttle',
  act: 'act',
  bck: 'bck',
  chkfail: 'chkfail',
  chkdown: 'chkdown',
  lastchg: 'lastchg',
  downtime: 'downtime',
  iid: 'iid',
  sid: 'sid',
  lbtot: 'lbtot',
  type: 'type',
  rate: 'rate',
  checkCode: 'check_code',
  checkDuration: 'check_duration',
  hrsp1xx: 'hrsp_1xx',
  hrsp2xx: 'hrsp_2xx',
  hrsp3xx: 'hrsp_3xx',
  hrsp4xx: 'hrsp_4xx',
  hrsp5xx: 'hrsp_5xx',
  hrspOther: 'hrsp_other',
  // req_tot has server rows only since HAProxy 2.2; older versions leave it out or empty.
  reqTot: 'req_tot',
  cliAbrt: 'cli_abrt',
  srvAbrt: 'srv_abrt',
  rtime: 'rtime',
  ttime: 'ttime',
} as const;

/** Free-text columns. addr/cookie/algo are only filled with `stats show-legends`. */
const TEXT_COLUMNS = {
  checkStatus: 'check_status',
  checkDesc: 'check_desc',
  lastChk: 'last_chk',
  addr: 'addr',
  cookie: 'cookie',
  mode: 'mode',
  algo: 'algo',
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
    return {
      pxname: cell('pxname') ?? '',
      svname: cell('svname') ?? '',
      status: cell('status') ?? '',
      raw,
      ...numbers,
      ...texts,
    };
  });
}
