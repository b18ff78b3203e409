import http from 'node:http';

/**
 * A plain keep-alive HTTP client for tests that must see what a user's client sees: `conns`
 * connections, each sending its next GET as soon as the last answer arrived, until stop().
 * Not lab's own load generator on purpose: a test of lab's reloads must not trust lab's code
 * to count the failures. Bounded: it stops by itself after `maxMs` or `maxRequests`.
 */
export interface ClientTally {
  sent: number;
  ok: number;
  /** Answers other than 2xx, by status. */
  statuses: Record<number, number>;
  /** Connection errors (reset, refused), by code. */
  errors: Record<string, number>;
  ms: number;
}

export interface RunningClient {
  /** Requests answered or failed so far. */
  readonly tally: ClientTally;
  stop(): Promise<ClientTally>;
}

export function keepAliveClient(
  url: string,
  o: { conns?: number; maxMs?: number; maxRequests?: number } = {},
): RunningClient {
  const conns = o.conns ?? 20;
  const maxMs = o.maxMs ?? 120_000;
  const maxRequests = o.maxRequests ?? 2_000_000;
  const target = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname))
    throw new Error(`keepAliveClient sends only to loopback, not ${target.hostname}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
  const tally: ClientTally = { sent: 0, ok: 0, statuses: {}, errors: {}, ms: 0 };
  const t0 = performance.now();
  let stopping = false;
  const one = () =>
    new Promise<void>((resolve) => {
      tally.sent++;
      const req = http.get(target, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          const s = res.statusCode ?? 0;
          if (s >= 200 && s < 300) tally.ok++;
          else tally.statuses[s] = (tally.statuses[s] ?? 0) + 1;
          resolve();
        });
        res.on('error', (e: NodeJS.ErrnoException) => {
          tally.errors[e.code ?? e.message] = (tally.errors[e.code ?? e.message] ?? 0) + 1;
          resolve();
        });
      });
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.on('error', (e: NodeJS.ErrnoException) => {
        tally.errors[e.code ?? e.message] = (tally.errors[e.code ?? e.message] ?? 0) + 1;
        resolve();
      });
    });
  const loop = async () => {
    while (!stopping && tally.sent < maxRequests && performance.now() - t0 < maxMs) await one();
  };
  const loops = Array.from({ length: conns }, loop);
  return {
    tally,
    async stop() {
      stopping = true;
      await Promise.all(loops);
      agent.destroy();
      tally.ms = Math.round(performance.now() - t0);
      return tally;
    },
  };
}

/** Requests that did not get a 2xx answer. */
export const failedOf = (t: ClientTally): number => t.sent - t.ok;
