import { RuntimeError } from '../core/errors.ts';
import { CLIENT_SERVICE } from '../core/render-clients.ts';
import { controlRequest } from '../docker/app-control.ts';
import { labContainers } from '../docker/engine.ts';
import type { Engine } from './engine.ts';
import { mapBounded } from '../core/pool.ts';

const CLIENT_ASKS_AT_ONCE = 4;

/**
 * Wait until the lab's `clients:` containers run and answer on their control port (by exec, as
 * traffic/clients.ts reaches them), so a check right after `lab up` can send from them.
 */
export async function waitForClients(
  engine: Engine,
  project: string,
  count: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<number> {
  const t0 = performance.now();
  let why = 'no client container yet';
  // A client that answered once is ready: ask only the others again. Each ask is a `node -e`
  // exec in the container; 12 at once on 2 busy cores took over 2 s each to fetch, so every
  // round timed out together and lab up never got ready: a few at a time, 5 s each.
  const ready = new Set<string>();
  while (!signal.aborted) {
    const clients = (await labContainers(engine.docker, project)).filter((c) => c.service === CLIENT_SERVICE);
    const running = clients.filter((c) => c.state === 'running');
    if (running.length >= count) {
      const asking = running.filter((c) => !ready.has(c.id));
      const answers = await mapBounded(asking, CLIENT_ASKS_AT_ONCE, (c) =>
        controlRequest(engine.docker, c.id, 'GET', '/health', {}, { timeoutMs: 5000 }).then(
          (a) => a.status === 200,
          () => false,
        ),
      );
      asking.forEach((c, i) => {
        if (answers[i]) ready.add(c.id);
      });
      if (running.every((c) => ready.has(c.id))) return performance.now() - t0;
      why = `${running.length - ready.size} of ${count} client(s) not answering on their control port yet`;
    } else
      why = `${running.length} of ${count} client container(s) running${
        clients.length > running.length
          ? ` (${clients
              .filter((c) => c.state !== 'running')
              .map((c) => `${c.name} ${c.state}`)
              .join(', ')})`
          : ''
      }`;
    if (performance.now() - t0 > timeoutMs)
      throw new RuntimeError(`The lab's clients are not ready after ${Math.round(timeoutMs / 1000)} s: ${why}`, {
        hint: `lab logs <lab> ${CLIENT_SERVICE} shows why`,
      });
    await new Promise((r) => setTimeout(r, 200));
  }
  return performance.now() - t0;
}
