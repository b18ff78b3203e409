import type { CheckTarget } from '../checks/target.ts';
import { addrIp, serverState, servingUp } from '../core/haproxy-servers.ts';
import { acceptsFromHaproxy } from '../haproxy/master-cli.ts';
import { readStats } from '../haproxy/stats-client.ts';

/** How long the app may take to listen, and HAProxy to rise the servers at its address. */
const LISTEN_MS = 30_000;
const RISE_MS = 12_000;
const POLL_MS = 250;

/**
 * Before lab test grades a starter: the app replicas listen, and HAProxy's servers at their
 * addresses have left the DOWN their first checks gave them. A student-mode `lab up` is ready
 * once HAProxy runs the files and the containers run, not when the app listens: HAProxy checks a
 * new server at once, and one refused connection at start takes it DOWN until `rise` checks pass
 * (4 s with lab 08's starter, `inter 2s rise 2`). Graded in that window, a starter failed for
 * "no replica is in rotation" rather than for its missing setting. UP counts as the servers check
 * counts it: with a passed check (or none), not UP with its first check still to come. A starter whose servers never
 * come UP (a wrong check path) waits RISE_MS, then is graded as it is.
 */
export async function starterReady(
  t: CheckTarget,
  portOf: (service: string) => number | undefined,
  signal: AbortSignal,
): Promise<void> {
  const apps = t.apps.flatMap((a) =>
    a.ip && portOf(a.service) !== undefined ? [{ ip: a.ip, port: portOf(a.service)! }] : [],
  );
  const ips = apps.map((a) => a.ip);
  const listenBy = performance.now() + LISTEN_MS;
  let waiting = apps;
  while (waiting.length && performance.now() < listenBy && !signal.aborted) {
    const still = [];
    for (const a of waiting)
      if (!(await acceptsFromHaproxy(t.engine.docker, t.haproxy.id, a.ip, a.port).catch(() => false))) still.push(a);
    waiting = still;
    if (waiting.length) await sleep(POLL_MS);
  }
  const riseBy = performance.now() + RISE_MS;
  while (performance.now() < riseBy && !signal.aborted) {
    const servers = (await readStats(t.stats).catch(() => [])).filter(
      (s) => s.svname !== 'FRONTEND' && s.svname !== 'BACKEND' && ips.includes(addrIp(s) ?? ''),
    );
    // As the servers check counts them: a server UP before its first check (check INI, after a
    // reload) is not yet, and lab 06's starter failed on "0 server(s) are UP" so.
    if (servers.every((s) => servingUp({ ...s, state: serverState(s.status) }))) return;
    await sleep(POLL_MS);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
