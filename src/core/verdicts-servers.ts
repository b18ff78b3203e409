import { backendServers, describeServer, type ServerStat, servingUp } from './haproxy-servers.ts';
import type { StatsRow } from './haproxy-stats.ts';
import type { Verdict } from './verdicts-http.ts';

/** HAProxy's view of one backend, from its stats CSV, and the servers check's verdict. Pure. */
export interface BackendView {
  backend: string;
  exists: boolean;
  /** Servers with a replica behind them (server-template slots DNS left empty are not counted). */
  servers: number;
  /** UP and either health-checked OK or without health checks. */
  up: number;
  /** Servers with health checks on. */
  checked: number;
  backup: number;
  /** The balance algorithm HAProxy runs (stats `algo`; `unknown` there is balance random). */
  algorithm: string | null;
  notServing: string[];
}

const hasCheck = (s: ServerStat) => s.status.trim() !== 'no check' && (s.checkStatus ?? '') !== '';

export function backendView(rows: readonly StatsRow[], backend: string): BackendView {
  const row = rows.find((r) => r.pxname === backend && r.svname === 'BACKEND');
  const present = backendServers(rows, backend).filter((s) => s.state !== 'EMPTY');
  const algo = row?.algo ?? null;
  return {
    backend,
    exists: row !== undefined,
    servers: present.length,
    up: present.filter(servingUp).length,
    checked: present.filter(hasCheck).length,
    backup: present.filter((s) => (s.bck ?? 0) > 0).length,
    algorithm: algo === 'unknown' ? 'random' : algo,
    notServing: present.filter((s) => !servingUp(s)).map((s) => `${s.svname} ${describeServer(s)}`),
  };
}

export interface ServersExpect {
  servers?: number | undefined;
  up?: number | undefined;
  healthChecks?: boolean | undefined;
  backup?: number | undefined;
  algorithm?: string | undefined;
}

export function judgeServers(v: BackendView, e: ServersExpect): Verdict {
  if (!v.exists) return { pass: false, reason: `HAProxy has no backend "${v.backend}"` };
  const why: string[] = [];
  if (e.servers !== undefined && v.servers !== e.servers)
    why.push(`HAProxy has ${v.servers} server(s) with a replica behind them in ${v.backend}, expected ${e.servers}`);
  if (e.up !== undefined && v.up !== e.up)
    why.push(
      `${v.up} server(s) are UP, expected ${e.up}${v.notServing.length ? ` (not serving: ${v.notServing.join(', ')})` : ''}`,
    );
  if (e.healthChecks === true && v.checked < v.servers)
    why.push(
      `health checks are off on ${v.servers - v.checked} of ${v.servers} server(s): add "check" to the server line`,
    );
  if (e.healthChecks === false && v.checked > 0)
    why.push(`health checks are on for ${v.checked} server(s), expected off`);
  if (e.backup !== undefined && v.backup !== e.backup) why.push(`${v.backup} backup server(s), expected ${e.backup}`);
  if (e.algorithm !== undefined && v.algorithm !== e.algorithm)
    why.push(
      `HAProxy runs balance ${v.algorithm ?? '(unknown: the stats do not say)'}, expected ${e.algorithm} (backend ${v.backend})`,
    );
  if (why.length) return { pass: false, reason: why.join('; ') };
  return {
    pass: true,
    reason: `backend ${v.backend}: ${v.up} of ${v.servers} server(s) UP, health checks ${v.checked === v.servers ? 'on' : `on ${v.checked}`}, ${v.backup} backup, balance ${v.algorithm ?? 'unknown'}`,
  };
}

/** Requests the check sent `via` its path and headers, and how many of them the backend counted. Pure. */
export function judgeReached(backend: string, sent: number, counted: number, via: string): Verdict {
  if (sent > 0 && counted >= sent)
    return { pass: true, reason: `${via} reaches backend ${backend} (${counted} of ${sent} requests counted there)` };
  return {
    pass: false,
    reason: `${via} does not reach backend ${backend}: HAProxy counted ${counted} of ${sent} requests there; route it with use_backend ${backend} if <condition> in the frontend`,
  };
}
