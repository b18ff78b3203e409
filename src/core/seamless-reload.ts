/**
 * What makes a reload of HAProxy fail no request (issue #29), rendered into lab's generated
 * haproxy.cfg and into 00-lab.cfg, so a student's file inherits it without writing it.
 *
 * A reload starts new workers from the new file while the old ones finish what they hold.
 * Two things failed requests there, measured from an outside keep-alive client:
 * - the new worker started with every server-template slot unresolved (init-addr none), so
 *   it answered 503 until DNS filled them. lab saves the servers' state through the runtime
 *   API just before each reload (haproxy/runtime-api.ts saveServersState) and the new worker
 *   loads it: the servers that serve, and that the new files still define as they were, keep
 *   their address and stay UP across the reload (keepServerStates).
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
export function answeredSinceReload(
  rows: readonly FrontendRow[],
  labProxies: readonly string[],
): { requests: number; http5xx: number } {
  const fronts = rows.filter((r) => r.svname === 'FRONTEND' && !labProxies.includes(r.pxname));
  const sum = (col: string) => fronts.reduce((n, r) => n + (Number(r.raw[col]) || 0), 0);
  return { requests: sum('req_tot'), http5xx: sum('hrsp_5xx') };
}

/** A server the configuration defines: a `server` line, or a `server-template`'s slots. */
interface ConfiguredServer {
  proxy: string;
  /** server: its name; server-template: the prefix of its slots' names. */
  name: string;
  template: boolean;
  host: string;
  port: string;
}

/** The servers of backend and listen sections, as written (a variable stays unresolved: no match). Pure. */
function configuredServers(cfgs: readonly string[]): ConfiguredServer[] {
  const found: ConfiguredServer[] = [];
  for (const cfg of cfgs) {
    let proxy: string | null = null;
    for (const raw of cfg.split('\n')) {
      const words = raw
        .replace(/(^|\s)#.*$/, '')
        .trim()
        .split(/\s+/)
        .filter(Boolean);
      const [kw, a, b, c] = words;
      if (!kw) continue;
      if (
        /^(frontend|backend|listen|defaults|global|resolvers|peers|userlist|mailers|program|http-errors|ring|cache)$/.test(
          kw,
        ) &&
        !/^\s/.test(raw)
      ) {
        proxy = kw === 'backend' || kw === 'listen' ? (a ?? null) : null;
        continue;
      }
      if (!proxy) continue;
      const addr = kw === 'server' ? b : kw === 'server-template' ? c : undefined;
      if (!a || !addr) continue;
      const m = /^(?:[a-z0-9]+@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(addr);
      if (m)
        found.push({
          proxy,
          name: a,
          template: kw === 'server-template',
          host: m[1]!.replace(/^\[|\]$/g, ''),
          port: m[2] ?? '0',
        });
    }
  }
  return found;
}

/**
 * The lines of a `show servers state` dump worth carrying over a reload to this configuration:
 * a server still defined with the same proxy, name (or template prefix), host and port. HAProxy
 * applies a state line's address and port over the configuration's (haproxy/haproxy#985): a
 * student who changed `server app1 app:8000` to `app:80` would keep running on 8000, and a wrong
 * file would pass. A server whose line changed, or is gone, is left out and starts as
 * configured, as HAProxy starts one that is not in the file. Pure.
 * Columns (format 1): be_id be_name srv_id srv_name srv_addr … srv_fqdn (17) srv_port (18) …
 */
export function keepServerStates(dump: string, cfgs: readonly string[]): string {
  const servers = configuredServers(cfgs);
  const kept: string[] = [];
  for (const [i, line] of dump.split('\n').entries()) {
    if (i === 0 || line.startsWith('#') || line.trim() === '') {
      kept.push(line);
      continue;
    }
    const f = line.trim().split(/\s+/);
    const [proxy, name, addr, opState, fqdn, port] = [f[1], f[3], f[4], f[5], f[17], f[18]];
    const host = fqdn && fqdn !== '-' ? fqdn : addr;
    const defined = servers.some(
      (s) =>
        s.proxy === proxy &&
        (s.template ? name?.startsWith(s.name) && /^\d+$/.test(name.slice(s.name.length)) : s.name === name) &&
        s.host === host &&
        s.port === port,
    );
    // Only a server that serves carries over, and only as serving: a DOWN one would start DOWN
    // with its old check result and fail a fixed file until it rises (a wrong FAIL). What
    // HAProxy would otherwise apply over the new file goes: the check result (the new checks
    // judge it: INI), an admin state (a drain or maint lab or the student set), the check's and
    // the agent's address and port (haproxy/haproxy#985 again).
    if (!defined || opState !== '2' || f.length < 25) continue;
    f[6] = '0'; // srv_admin_state: ready
    f[10] = '1'; // srv_check_status: HCHK_STATUS_INI
    f[11] = '0'; // srv_check_result: CHK_RES_UNKNOWN
    [f[21], f[22], f[23], f[24]] = ['0', '-', '-', '0']; // check port/addr, agent addr/port: the file's
    kept.push(f.join(' '));
  }
  return kept.join('\n');
}
