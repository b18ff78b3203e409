/**
 * Reloads that fail no request (issue #29), seen from outside: a plain keep-alive HTTP client
 * of the test's own (not lab's load generator, whose counting is lab's code) sends at full
 * speed to the app port while lab reloads HAProxy 10 times, and not one request may fail or
 * get a 503. Lab 03 (generated config): algorithm changes, each a reload through the master
 * process (SIGUSR2). Lab 08 (student mode): lab solve, lab apply of an unchanged file, of a
 * changed comment and of another balance algorithm, each a reload through the master CLI.
 * In the engine-wide group, alone: the client needs the machine's CPU to keep its rate.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { failedOf, keepAliveClient } from '../helpers/keepalive-client.ts';
import {
  AUTO_PORTS,
  cleanupLab,
  expectExit,
  loopback,
  parseJson,
  requireDocker,
  runLab,
  serviceContainers,
  skipNote,
  sleep,
  uniqueProject,
} from './helpers.ts';

const engine = requireDocker();
const RELOADS = 10;

/** Run `reload` RELOADS times under the client; returns what the client saw. */
async function underLoad(app: string, reload: (i: number) => Promise<void>) {
  const client = keepAliveClient(loopback(app).href, { conns: 20, maxMs: 180_000 });
  await sleep(1000); // the client at full speed, every connection open, before the first reload
  for (let i = 0; i < RELOADS; i++) {
    await reload(i);
    await sleep(300); // traffic between reloads: the new workers serve on their own
  }
  await sleep(1000);
  const t = await client.stop();
  const rate = Math.round(t.sent / (t.ms / 1000));
  console.log(
    `[seamless reload] ${t.sent} requests in ${(t.ms / 1000).toFixed(1)} s (${rate}/s), ${failedOf(t)} failed: ${JSON.stringify({ statuses: t.statuses, errors: t.errors })}`,
  );
  return { ...t, rate };
}

/** What the client saw: no HTTP error, no connection error, at a real rate. */
function expectNoneFailed(seen: Awaited<ReturnType<typeof underLoad>>): void {
  expect(seen.statuses, 'no HTTP error during the reloads').toEqual({});
  expect(seen.errors, 'no connection error during the reloads').toEqual({});
  expect(failedOf(seen)).toBe(0);
  expect(seen.rate, 'the client kept a real load').toBeGreaterThanOrEqual(RATE_FLOOR);
}

describe.skipIf(!engine.ok)(`reloads fail no request${skipNote(engine)}`, () => {
  it(`lab 03: ${RELOADS} algorithm changes (reloads) under a keep-alive client: 0 failed, 0 HTTP 503`, async () => {
    const p = uniqueProject();
    cleanupLab('03', p);
    const up = ['up', '03', '--project', p, '--replicas', '3', ...AUTO_PORTS];
    const { urls } = parseJson<{ urls: { app: string } }>(
      expectExit(await runLab([...up, '--json'], { timeout: 120_000 }), 0),
    );
    const haproxy = await serviceContainers(p, 'haproxy', true);
    const seen = await underLoad(urls.app, async (i) => {
      expectExit(await runLab([...up, '--algorithm', i % 2 ? 'roundrobin' : 'leastconn'], { timeout: 60_000 }), 0);
    });
    // Reloads, not restarts: the same HAProxy container served throughout.
    expect(await serviceContainers(p, 'haproxy', true)).toEqual(haproxy);
    expectNoneFailed(seen);
  }, 240_000);

  it(`lab 08 (student mode): solve and ${RELOADS - 1} applies under a keep-alive client: 0 failed, 0 HTTP 503`, async () => {
    const p = uniqueProject();
    cleanupLab('08', p);
    const started = parseJson<{ urls: { app: string }; studentConfig: string }>(
      expectExit(await runLab(['up', '08', '--project', p, ...AUTO_PORTS, '--json'], { timeout: 120_000 }), 0),
    );
    const file = started.studentConfig;
    const haproxy = await serviceContainers(p, 'haproxy', true);
    let answered = 0;
    const seen = await underLoad(started.urls.app, async (i) => {
      if (i === 0) {
        expectExit(await runLab(['solve', '08', '--all', '--project', p], { timeout: 60_000 }), 0);
        return;
      }
      const text = await readFile(file, 'utf8');
      // i 1-3: the same file; 4-6: a comment changed; 7-9: the algorithm changed, back and forth.
      if (i >= 4 && i <= 6) await writeFile(file, `${text}\n# reload ${i}\n`);
      if (i >= 7) await writeFile(file, text.replace(/balance \S+/, `balance ${i % 2 ? 'leastconn' : 'roundrobin'}`));
      const r = parseJson<{ reloaded: boolean; reload?: { requests: number; http5xx: number } }>(
        expectExit(await runLab(['apply', '08', '--project', p, '--no-grade', '--json'], { timeout: 60_000 }), 0),
      );
      expect(r.reloaded).toBe(true);
      // What apply tells the student of the reload, from HAProxy's counters: no 5xx. The new
      // workers may not have answered a request yet when apply reads them: counted over all.
      answered += r.reload?.requests ?? 0;
      expect(r.reload?.http5xx ?? 0).toBe(0);
    });
    expect(answered, 'apply --json reports what HAProxy answered since each reload').toBeGreaterThan(0);
    expect(await serviceContainers(p, 'haproxy', true)).toEqual(haproxy);
    expectNoneFailed(seen);
  }, 240_000);
});

/**
 * The bar is 1,000 requests/s; measured here alone at 1,100-1,300/s on a 2-core
 * machine (the log line above prints it). The floor is below it so that a busy CI machine
 * fails the test only when the client truly idled, not for a slower second.
 */
const RATE_FLOOR = 500;
