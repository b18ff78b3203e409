import { backendServers, type ServerStat } from '../core/haproxy-servers.ts';
import { readStats } from '../haproxy/stats-client.ts';
import type { CheckTarget } from './target.ts';

/**
 * HAProxy's servers, polled during a drill (checks/failover.ts). A read that fails is retried by
 * the polling, but once reads have failed for GONE_AFTER_MS HAProxy is gone, not busy (a read
 * answers in milliseconds), and the drill stops with what happened to HAProxy's container.
 */

/** HAProxy or its stats endpoint went away mid-drill: nothing is left to observe. */
export class HaproxyGone extends Error {}

const GONE_AFTER_MS = 2000;

export interface Watch {
  failingSince?: number;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The servers now; [] after a failed read unless `now`, which retries until GONE_AFTER_MS. */
export async function servers(t: CheckTarget, watch: Watch, now = false): Promise<ServerStat[]> {
  for (;;) {
    try {
      const list = backendServers(await readStats(t.stats, 1000), t.backend);
      watch.failingSince = undefined;
      return list;
    } catch (e) {
      watch.failingSince ??= performance.now();
      if (performance.now() - watch.failingSince >= GONE_AFTER_MS)
        throw new HaproxyGone(await whyGone(t, (e as Error).message));
      if (!now) return [];
      await sleep(200);
    }
  }
}

async function whyGone(t: CheckTarget, statsError: string): Promise<string> {
  const info = await t.engine.docker
    .getContainer(t.haproxy.id)
    .inspect()
    .catch(() => undefined);
  if (!info) return `HAProxy is gone: its container ${t.haproxy.name} was removed`;
  if (!info.State.Running)
    return `HAProxy is gone: its container ${t.haproxy.name} is ${info.State.Status} (exit code ${info.State.ExitCode})`;
  return `HAProxy's stats endpoint is gone: ${statsError}, though ${t.haproxy.name} runs`;
}

/**
 * Poll the stats every 100 ms until `done` says so (true) or `timeoutMs` passes (false). Each
 * successful read is passed to `done`, which may also note what changed.
 */
export async function pollUntil(
  t: CheckTarget,
  watch: Watch,
  done: (list: ServerStat[]) => boolean,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end && !signal?.aborted) {
    const list = await servers(t, watch);
    if (list.length && done(list)) return true;
    await sleep(100);
  }
  return false;
}
