import { stripVTControlCharacters } from 'node:util';
import { addrIp, backendServers, type ServerState } from './haproxy-servers.ts';
import type { StatsRow } from './haproxy-stats.ts';
import { plainPalette, type Palette } from './palette.ts';
import { bar } from './report.ts';

/**
 * lab top's view of a lab, built from one read of HAProxy's stats and the replicas' faults, and
 * drawn as a frame. Both are pure: the command (commands/top.ts) only reads and redraws.
 */

interface TopServer {
  name: string;
  /** HAProxy's own status string (`UP`, `DOWN 1/2`, `DRAIN`, `MAINT`, ...). */
  status: string;
  state: ServerState;
  /** Sessions per second over the last second (HAProxy's `rate`: one per request in http mode). */
  rate: number;
  /** Errors since HAProxy started: 5xx answers, failed responses (eresp) and connections (econ). */
  errors: number;
  /** Average response and queue time over the last 1024 requests, ms (HAProxy's rtime/qtime). */
  rtimeMs: number | null;
  qtimeMs: number | null;
  /** Last health check code (L7OK, L4CON, ...), without the "* " of a check in progress. */
  check: string | null;
  container: string | null;
  faults: string[];
}

export interface TopSnapshot {
  project: string;
  /** ISO time of the read. */
  at: string;
  /** The balance algorithm and mode HAProxy runs (its BACKEND row), not what lab wrote. */
  algorithm: string | null;
  mode: string | null;
  servers: TopServer[];
  /** Server-template slots with no replica behind them. */
  emptySlots: number;
  /** Requests per second and 5xx answers at the frontend: what clients saw. */
  frontend: { rate: number; errors: number } | null;
  /** Faults of replicas no server row points at (a killed replica has no address). */
  otherFaults: { replica: string; faults: string[] }[];
}

export interface ReplicaView {
  /** `app/2` */
  replica: string;
  container: string;
  ip: string | undefined;
  faults: string[];
}

const n = (v: number | null): number => v ?? 0;

/** The snapshot of one stats read, joined to the replicas by address. Pure. */
export function topSnapshot(
  project: string,
  at: Date,
  rows: readonly StatsRow[],
  replicas: readonly ReplicaView[],
  backend = 'app',
  frontend = 'web',
): TopSnapshot {
  const all = backendServers(rows, backend);
  const byIp = new Map(replicas.filter((r) => r.ip).map((r) => [r.ip, r]));
  const used = new Set<string>();
  const servers = all
    .filter((s) => s.state !== 'EMPTY')
    .map((s): TopServer => {
      const replica = byIp.get(addrIp(s));
      if (replica) used.add(replica.container);
      return {
        name: s.svname,
        status: s.status,
        state: s.state,
        rate: n(s.rate),
        errors: n(s.hrsp5xx) + n(s.eresp) + n(s.econ),
        rtimeMs: s.rtime,
        qtimeMs: toNumber(s.raw.qtime),
        check: s.checkStatus?.replace(/^\* /, '') ?? null,
        container: replica?.container ?? null,
        faults: replica?.faults ?? [],
      };
    });
  const be = rows.find((r) => r.pxname === backend && r.svname === 'BACKEND');
  const fe = rows.find((r) => r.pxname === frontend && r.svname === 'FRONTEND');
  return {
    project,
    at: at.toISOString(),
    algorithm: be?.algo ?? null,
    mode: be?.mode ?? null,
    servers,
    emptySlots: all.length - servers.length,
    frontend: fe ? { rate: toNumber(fe.raw.req_rate) ?? n(fe.rate), errors: n(fe.hrsp5xx) } : null,
    otherFaults: replicas
      .filter((r) => !used.has(r.container) && r.faults.length > 0)
      .map((r) => ({ replica: r.replica, faults: r.faults })),
  };
}

const toNumber = (cell: string | undefined): number | null =>
  cell === undefined || cell.trim() === '' || !Number.isFinite(Number(cell)) ? null : Number(cell);

export interface FrameOptions {
  /** Terminal columns; every line is cut to fit. */
  width: number;
  c?: Palette;
}

function paint(state: ServerState, text: string, c: Palette): string {
  if (state === 'UP') return c.green(text);
  if (state === 'DOWN') return c.red(text);
  return c.yellow(text); // DRAIN, MAINT, NOLB: taken out on purpose
}

const clock = (iso: string) => iso.slice(11, 19);
const ms = (v: number | null) => (v === null ? '-' : `${v} ms`);
const BAR_MAX = 30;
const BAR_MIN = 5;

/** One full frame: a title, one row per server, a footer with totals. Lines end without padding. Pure. */
export function renderFrame(s: TopSnapshot, { width, c = plainPalette }: FrameOptions): string {
  const maxRate = Math.max(1, ...s.servers.map((x) => x.rate));
  const cells = s.servers.map((x) => [
    x.name,
    x.state,
    String(x.rate),
    String(x.errors),
    ms(x.rtimeMs),
    ms(x.qtimeMs),
    x.check ?? '-',
    x.faults.join(', ') || '-',
  ]);
  const header = ['SERVER', 'STATE', 'REQ/S', 'ERR', 'RTIME', 'QTIME', 'CHECK', 'FAULTS'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => visible(r[i]!))));
  // The bar takes what the other columns leave (before FAULTS, which may be cut), within limits.
  const fixed = widths.slice(0, 7).reduce((a, w) => a + w + 2, 0) + Math.min(widths[7]!, 12);
  const barWidth = Math.min(BAR_MAX, width - fixed - 2);
  const showBar = barWidth >= BAR_MIN;
  const right = new Set([2, 3, 4, 5]);
  const line = (row: string[], state?: ServerState, rate?: number) =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i]! - visible(cell));
        let text = right.has(i) ? pad + cell : cell + pad;
        if (i === 1 && state) text = paint(state, text, c);
        if (i === 7 && state && cell !== '-') text = c.red(cell);
        if (i === 2 && showBar)
          text += `  ${rate === undefined ? 'RATE'.padEnd(barWidth) : c.cyan(bar(rate, maxRate, barWidth).padEnd(barWidth))}`;
        return text;
      })
      .join('  ')
      .trimEnd();
  const up = s.servers.filter((x) => x.state === 'UP').length;
  const totalRate = s.frontend?.rate ?? s.servers.reduce((a, x) => a + x.rate, 0);
  const errors = s.servers.reduce((a, x) => a + x.errors, 0);
  const title = `${c.bold(`lab top ${s.project}`)}  ${clock(s.at)}`;
  const lines = [
    title,
    '',
    c.dim(line(header)),
    ...s.servers.map((x, i) => line(cells[i]!, x.state, x.rate)),
    ...(s.servers.length === 0 ? [c.yellow('no servers with a replica behind them')] : []),
    '',
    `total ${totalRate} req/s  ${up}/${s.servers.length} UP  errors ${errors} (servers)${s.frontend ? `, ${s.frontend.errors} 5xx (clients)` : ''}${s.emptySlots ? `  ${s.emptySlots} empty slot(s)` : ''}`,
    `balance ${s.algorithm ?? '?'}, mode ${s.mode ?? '?'} (what HAProxy runs)`,
    ...s.otherFaults.map((f) => c.red(`${f.replica}: ${f.faults.join(', ')}`)),
    c.dim('q quits'),
  ];
  return lines.map((l) => fitLine(l, width)).join('\n');
}

/** One line per refresh, for a pipe or a log: time, each server's state and rate, totals. Pure. */
export function renderLine(s: TopSnapshot): string {
  const servers = s.servers.map(
    (x) => `${x.name} ${x.state} ${x.rate}/s${x.faults.length ? ` [${x.faults.join(', ')}]` : ''}`,
  );
  const total = s.frontend?.rate ?? s.servers.reduce((a, x) => a + x.rate, 0);
  return `${clock(s.at)} ${servers.join(' | ') || 'no servers'} | total ${total}/s, errors ${s.servers.reduce((a, x) => a + x.errors, 0)}`;
}

const visible = (s: string) => stripVTControlCharacters(s).length;
/** An escape sequence (colour, cursor): ESC [ params letter. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point
const CSI = /^\x1b\[[0-9;?]*[A-Za-z]/;

/**
 * Cut a line to `width` terminal columns, skipping escape codes; a cut line ends with `…` and a
 * colour reset so the next line starts plain. (CJK text is not expected in these frames.)
 */
export function fitLine(line: string, width: number): string {
  if (visible(line) <= width) return line;
  if (width <= 0) return '';
  let out = '';
  let cols = 0;
  for (let i = 0; i < line.length; ) {
    const esc = CSI.exec(line.slice(i));
    if (esc) {
      out += esc[0];
      i += esc[0].length;
      continue;
    }
    const ch = String.fromCodePoint(line.codePointAt(i)!);
    if (cols === width - 1) return `${out}…${line.includes('\x1b[') ? '\x1b[0m' : ''}`;
    out += ch;
    cols += 1;
    i += ch.length;
  }
  return out;
}
