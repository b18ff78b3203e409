import { RuntimeError } from '../core/errors.ts';
import { CLIENT_SERVICE } from '../core/render-clients.ts';
import { controlRequest } from '../docker/app-control.ts';
import { labContainers } from '../docker/engine.ts';
import type { Engine } from './engine.ts';

/**
 * Wait until the lab's `clients:` containers run and answer on their control port (by exec, as
 * traffic/clients.ts reaches them), so a check right after `lab up` can send from them.
 */
export async function waitForClients(engine: Engine, project: string, count: number, timeoutMs: number, signal: AbortSignal): Promise<number> {
  const t0 = performance.now();
  let why = 'no client container yet';
  while (!signal.aborted) {
    const clients = (await labContainers(engine.docker, project)).filter((c) => c.service === CLIENT_SERVICE);
    const running = clients.filter((c) => c.state === 'running');
    if (running.length >= count) {
      const answers = await Promise.all(running.map((c) => controlRequest(engine.docker, c.id, 'GET', '/health', {}, { timeoutMs: 2000 }).then((a) => a.status === 200, () => false)));
      if (answers.every(Boolean)) return performance.now() - t0;
      why = `${answers.filter((ok) => !ok).length} of ${count} client(s) not answering on their control port yet`;
    } else why = `${running.length} of ${count} client container(s) running${clients.length > running.length ? ` (${clients.filter((c) => c.state !== 'running').map((c) => `${c.name} ${c.state}`).join(', ')})` : ''}`;
    if (performance.now() - t0 > timeoutMs) throw new RuntimeError(`The lab's clients are not ready after ${Math.round(timeoutMs / 1000)} s: ${why}`, { hint: `lab logs <lab> ${CLIENT_SERVICE} shows why` });
    await new Promise((r) => setTimeout(r, 200));
  }
  return performance.now() - t0;
}
