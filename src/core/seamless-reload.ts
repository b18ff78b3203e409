/**
 * What makes a reload of HAProxy fail no request (issue #29), rendered into lab's generated
 * haproxy.cfg and into 00-lab.cfg, so a student's file inherits it without writing it.
 *
 * A reload starts new workers from the new file while the old ones finish what they hold.
 * Two things failed requests there, measured from an outside keep-alive client:
 * - the new worker started with every server-template slot unresolved (init-addr none), so
 *   it answered 503 until DNS filled them. lab saves the servers' state through the runtime
 *   API just before each reload (haproxy/runtime-api.ts saveServersState) and the new worker
 *   loads it: servers keep their address and UP/DOWN state across the reload.
 *   https://docs.haproxy.org/3.0/configuration.html#4.2-load-server-state-from-file
 * - the old worker closed idle keep-alive connections at once, and a request the client had
 *   just sent on one was reset (ECONNRESET). With idle-close-on-response it waits for that
 *   request and closes after answering it ("Connection: close").
 *   https://docs.haproxy.org/3.0/configuration.html#4.2-option%20idle-close-on-response
 * Listening sockets pass from the old worker to the new one by themselves in master-worker
 * mode (the master hands them over), so no connection is refused meanwhile.
 * Pure: text only.
 */
/** Where the servers' state is kept across reloads, inside the HAProxy container. */
export const SERVER_STATE_FILE = '/tmp/lab-server-state';

export const serverStateGlobal = (): string[] => [
  "    # Servers' state across reloads: lab writes it through the runtime API before each reload.",
  `    server-state-file ${SERVER_STATE_FILE}`,
];

export const seamlessReloadDefaults = (http: boolean): string[] => [
  '    # A reload fails no request: the new worker starts with the servers as they were (UP,',
  '    # at their address) and, in http, the old one answers a request already sent on an idle',
  '    # connection before closing it.',
  '    load-server-state-from-file global',
  ...(http ? ['    option idle-close-on-response'] : []),
];

/** What a HAProxy stats row says of the traffic its proxy answered (the CSV's raw columns). */
interface FrontendRow {
  pxname: string;
  svname: string;
  raw: Readonly<Record<string, string>>;
}

/**
 * The requests the new workers answered since the reload, and how many with a 5xx (a 503 is
 * HAProxy's "no server available"), from the frontends' counters, which start at zero with
 * each reload. lab's own stats proxy is left out. Pure.
 */
export function answeredSinceReload(rows: readonly FrontendRow[], labProxies: readonly string[]): { requests: number; http5xx: number } {
  const fronts = rows.filter((r) => r.svname === 'FRONTEND' && !labProxies.includes(r.pxname));
  const sum = (col: string) => fronts.reduce((n, r) => n + (Number(r.raw[col]) || 0), 0);
  return { requests: sum('req_tot'), http5xx: sum('hrsp_5xx') };
}
