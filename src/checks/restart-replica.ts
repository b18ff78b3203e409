import type { StatsRow } from '../core/haproxy-stats.ts';
import { checkedUp, serversAt } from '../core/haproxy-servers.ts';
import type { LabContainer } from '../docker/engine.ts';
import { readStats } from '../haproxy/stats-client.ts';
import type { CheckTarget } from './target.ts';

/**
 * Bring back a replica a check killed (kill-replica, session): start its container again and
 * wait until HAProxy has it UP with a passed health check. HAProxy finds the replica by address,
 * and a restarted container may get a new one, so the address is read again after the start.
 */

export interface Restarted {
  /** The replica's address after the start (the old one when Docker does not say). */
  ip: string | undefined;
  /** performance.now() when the container was started. */
  startedAt: number;
  /** performance.now() when HAProxy first showed it UP with a passed check; null: not within the timeout. */
  upAt: number | null;
  /** Its server rows at that first UP poll (slowstart's `throttle` shows only then); [] when not UP. */
  upRows: StatsRow[];
}

export interface RestartOptions {
  /** Only this backend's servers count; without it, every backend the replica sits in. */
  backend?: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Called once the container runs again, before the wait. */
  onStarted?: () => void;
}

/** Start the container (throws when Docker can't), then wait for HAProxy. */
export async function restartReplica(
  t: Pick<CheckTarget, 'engine' | 'stats'>,
  app: LabContainer,
  o: RestartOptions,
): Promise<Restarted> {
  const container = t.engine.docker.getContainer(app.id);
  await container.start();
  const startedAt = performance.now();
  o.onStarted?.();
  const networks = (await container.inspect().catch(() => undefined))?.NetworkSettings.Networks ?? {};
  const ip = Object.values(networks)[0]?.IPAddress || app.ip;
  let upRows: StatsRow[] = [];
  const up = async () => {
    if (!ip) return false;
    const at = serversAt(await readStats(t.stats).catch(() => []), ip).filter(
      (s) => o.backend === undefined || s.pxname === o.backend,
    );
    if (at.length === 0 || !at.every(checkedUp)) return false;
    upRows = at;
    return true;
  };
  const waitFrom = performance.now();
  const tookMs = await pollFor(up, o.timeoutMs, o.signal);
  return { ip, startedAt, upAt: tookMs === null ? null : waitFrom + tookMs, upRows };
}

/** Ask `ok` every 100 ms until it says yes (ms it took) or the timeout passes (null). */
export async function pollFor(
  ok: () => Promise<boolean>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<number | null> {
  const t0 = performance.now();
  while (!signal?.aborted && performance.now() - t0 < timeoutMs) {
    if (await ok()) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}
