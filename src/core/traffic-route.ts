import { addrIp, serverState } from './haproxy-servers.ts';
import type { StatsRow } from './haproxy-stats.ts';

/**
 * Which of HAProxy's proxies a check judges in student mode, whatever the student named them:
 * the frontend (or listen) the lab's traffic enters and the backend (or listen) it is routed to.
 * A task text may not fix the names (`listen web`, `backend pool` are as right as `backend app`),
 * so the grader learns them from what HAProxy does: the counters that grew while a few probe
 * requests went through the lab's port. Pure: two stats snapshots in, the route out.
 */
export interface TrafficRoute {
  frontend: string | null;
  backend: string;
  /** traffic: the probe's requests were counted there; address: the only proxy holding the service's replicas; name: neither, so the service's own name (the old rule, and the name the FAIL reasons give). */
  how: 'traffic' | 'address' | 'name';
}

/** lab's own stats listener (templates/00-lab.cfg): its counters grow with every stats read, so it is never the route. */
const LAB_STATS_PROXY = 'lab_stats';

const isAggregate = (r: StatsRow) => r.svname === 'FRONTEND' || r.svname === 'BACKEND';
/** A proxy with server rows: a backend or a listen section (lab's stats listener has none). */
const proxiesWithServers = (rows: readonly StatsRow[]) =>
  new Set(rows.filter((r) => !isAggregate(r) && r.pxname !== LAB_STATS_PROXY).map((r) => r.pxname));
const counted = (r: StatsRow | undefined) => (r ? Math.max(r.stot ?? 0, r.reqTot ?? 0) : 0);

function grown(
  before: readonly StatsRow[],
  after: readonly StatsRow[],
  svname: 'FRONTEND' | 'BACKEND',
  among: (name: string) => boolean,
): string | null {
  let best: { name: string; n: number } | null = null;
  for (const r of after.filter((x) => x.svname === svname && x.pxname !== LAB_STATS_PROXY && among(x.pxname))) {
    const then = before.find((x) => x.svname === svname && x.pxname === r.pxname);
    // A counter that went down was reset by a reload: what it holds now all came after.
    const n = counted(r) >= counted(then) ? counted(r) - counted(then) : counted(r);
    if (n > 0 && (best === null || n > best.n)) best = { name: r.pxname, n };
  }
  return best?.name ?? null;
}

/**
 * The route from two snapshots taken around the probe requests. `service` is the lab's service
 * the check aims at and `replicaIps` the addresses of its running replicas.
 */
export function trafficRoute(
  before: readonly StatsRow[],
  after: readonly StatsRow[],
  service: string,
  replicaIps: readonly string[],
): TrafficRoute {
  const withServers = proxiesWithServers(after);
  const frontend = grown(before, after, 'FRONTEND', () => true);
  // The backend that holds the service's replicas and counted the probe. A backend of another
  // service (lab 04's routing) is never the route of this one.
  const ips = new Set(replicaIps);
  const holds = (px: string) =>
    after.some(
      (r) => r.pxname === px && !isAggregate(r) && serverState(r.status) !== 'EMPTY' && ips.has(addrIp(r) ?? ''),
    );
  const byTraffic = grown(before, after, 'BACKEND', (px) => withServers.has(px) && (ips.size === 0 || holds(px)));
  if (byTraffic) return { frontend, backend: byTraffic, how: 'traffic' };
  // No request got through (no frontend yet, every server DOWN): the name the lab gives the
  // service when HAProxy has it, else the one proxy holding its replicas.
  if (withServers.has(service)) return { frontend, backend: service, how: 'name' };
  const holding = [...withServers].filter(holds);
  if (holding.length === 1) return { frontend, backend: holding[0]!, how: 'address' };
  return { frontend, backend: service, how: 'name' };
}

/**
 * The mode of the frontend that counted the requests (stats `mode`, filled with `stats
 * show-legends`), and of the backend they went on to, judged against what the task asks. A mode
 * tcp frontend may hand its connections to a mode http backend (00-lab.cfg's default mode when
 * the backend says none): HAProxy accepts it and upgrades each connection to HTTP there, so that
 * backend reads every request and picks a server per request, an L7 proxy behind an L4 frontend.
 * Pure.
 */
export function judgeFrontendMode(
  after: readonly StatsRow[],
  frontend: string | null,
  want: 'tcp' | 'http',
  where: string,
  backend?: string | null,
): { pass: boolean; reason: string } {
  if (frontend === null)
    return {
      pass: false,
      reason: `no frontend of HAProxy counted the requests sent to ${where}: is a frontend bound there?`,
    };
  const modeOf = (pxname: string, svname: 'FRONTEND' | 'BACKEND') =>
    after.find((r) => r.pxname === pxname && r.svname === svname)?.mode ?? null;
  const mode = modeOf(frontend, 'FRONTEND');
  if (mode !== want)
    return {
      pass: false,
      reason: `${frontend}, the frontend on ${where}, runs mode ${mode ?? '(unknown: the stats do not say)'}; the task asks for mode ${want}`,
    };
  // A backend whose mode the stats do not give is not judged: the frontend's mode is the task's first word.
  const backMode = backend && backend !== frontend ? modeOf(backend, 'BACKEND') : null;
  if (backend && backMode !== null && backMode !== want) {
    return {
      pass: false,
      reason: `${backend}, the backend ${frontend} on ${where} sends its requests to, runs mode ${backMode}; the task asks for mode ${want} there too: add "mode ${want}" to backend ${backend} (a mode ${backMode} backend behind a mode ${mode} frontend reads every request itself)`,
    };
  }
  return {
    pass: true,
    reason: `${frontend}, the frontend on ${where}, runs mode ${want}${backend && backend !== frontend && backMode !== null ? `, and so does its backend ${backend}` : ''}`,
  };
}
