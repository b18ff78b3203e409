import type { ServerStat } from '../core/haproxy-servers.ts';
import { backendServers, checkedUp } from '../core/haproxy-servers.ts';
import { InterruptedError } from '../core/errors.ts';
import { readStats } from '../haproxy/stats-client.ts';
import type { Engine } from './engine.ts';
import { failIfContainersDied, notReady, type WaitOptions } from './not-ready.ts';
import { upText } from '../core/services.ts';

export type { WaitOptions } from './not-ready.ts';

/**
 * Wait until HAProxy's stats show, in each service's backend, its replicas UP: not merely the
 * containers running, but HAProxy having found each through DNS and passed its health check.
 */
export async function waitForReplicasUp(
  engine: Engine,
  o: WaitOptions,
): Promise<{ servers: ServerStat[]; ms: number }> {
  const t0 = performance.now();
  let servers: ServerStat[] = [];
  let statsError: string | undefined;
  let lastContainerCheck = 0;
  for (;;) {
    if (o.signal.aborted) throw new InterruptedError('Interrupted while waiting for the replicas');
    try {
      const rows = await readStats(o.stats, 1000);
      statsError = undefined;
      const each = o.expected.map((e) => ({ ...e, servers: backendServers(rows, e.service) }));
      servers = each.flatMap((e) => e.servers);
      // After a scale-down the removed replicas stay `UP 1/2` (still taking traffic) until
      // their checks fail: ready only when nothing else is in rotation either.
      const ready = (e: (typeof each)[number]) =>
        e.servers.filter(checkedUp).length === e.replicas &&
        e.servers.filter((s) => s.state === 'UP').length === e.replicas;
      if (each.every(ready)) return { servers, ms: performance.now() - t0 };
      o.progress.update(
        `Waiting for HAProxy: ${upText(each.map((e) => ({ service: e.service, up: e.servers.filter(checkedUp).length, replicas: e.replicas })))}`,
      );
    } catch (e) {
      statsError = (e as Error).message;
      o.progress.update('Waiting for HAProxy to answer on its stats port');
    }
    const elapsed = performance.now() - t0;
    if (elapsed - lastContainerCheck > 2000) {
      lastContainerCheck = elapsed;
      await failIfContainersDied(engine, o.project);
    }
    if (elapsed > o.timeoutMs) throw await notReady(engine, o, servers, statsError);
    // Polling the stats CSV costs HAProxy next to nothing; a short interval trims the wait.
    await new Promise((r) => setTimeout(r, 100));
  }
}
