import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Summary } from '../../compose/whoami/lib/client/stats.mjs';
import { call, killAll, runWhoami, sleep, spawnWhoami, startApp } from '../helpers/whoami.ts';
import { freePort } from '../helpers/redis.ts';

type Line = Summary & { type: 'summary' | 'tick'; inFlight: number; skipped: number; interrupted?: boolean };

/** A client run to its end: exit code and its JSON lines. */
async function client(...args: string[]): Promise<{ code: number | null; lines: Line[]; summary: Line }> {
  const r = await runWhoami(['client', ...args]);
  expect(r.stderr).toBe('');
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
  return { code: r.code, lines, summary: lines.at(-1)! };
}

/** Every number adds up: sent = ok + failed = ok + the failures by cause. */
function addsUp(s: Summary) {
  expect(s.sent).toBe(s.ok + s.failed);
  expect(s.failed).toBe(Object.values(s.failures).reduce((a, b) => a + b, 0));
  expect(s.latencyMs.p50).toBeLessThanOrEqual(s.latencyMs.p95);
  expect(s.latencyMs.p95).toBeLessThanOrEqual(s.latencyMs.p99);
  expect(s.latencyMs.p99).toBeLessThanOrEqual(s.latencyMs.max);
}

describe('whoami client mode: one run', () => {
  it('sends the requests asked for and says who answered', async () => {
    const app = await startApp({ SERVICE: 'web', REPLICA: '1', VERSION: 'v2' });
    const { code, lines, summary } = await client('--url', `${app.base}/`, '--requests', '200', '--concurrency', '4');
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    expect(summary).toMatchObject({
      type: 'summary',
      sent: 200,
      ok: 200,
      failed: 0,
      inFlight: 0,
      skipped: 0,
      concurrency: 4,
      keepAlive: true,
      byApp: { 'web/1/v2': 200 },
      byService: { web: 200 },
      byVersion: { v2: 200 },
    });
    addsUp(summary);
    expect(summary.latencyMs.p50).toBeGreaterThan(0);
    // The app saw exactly these.
    expect((await call(app.control, 'GET', '/')).json.requests).toBe(200);
  });

  it.each([
    {
      cause: '5xx',
      fault: '/faults/errors?rate=0.25',
      path: '/',
      args: ['--requests', '200'],
      failures: { connect: 0, timeout: 0, '5xx': 50, other: 0 },
      ok: 150,
    },
    {
      cause: 'timeout',
      fault: '/faults/hang',
      path: '/',
      args: ['--requests', '4', '--concurrency', '2', '--timeout', '300'],
      failures: { connect: 0, timeout: 4, '5xx': 0, other: 0 },
      ok: 0,
    },
    {
      cause: 'other',
      fault: null,
      path: '/nope',
      args: ['--requests', '5'],
      failures: { connect: 0, timeout: 0, '5xx': 0, other: 5 },
      ok: 0,
    },
    {
      cause: 'connect',
      fault: null,
      path: 'closed',
      args: ['--requests', '5', '--concurrency', '2'],
      failures: { connect: 5, timeout: 0, '5xx': 0, other: 0 },
      ok: 0,
    },
  ])('counts failures by cause: $cause', async ({ fault, path, args, failures, ok }) => {
    const app = await startApp({ SERVICE: 'web', REPLICA: '1' });
    if (fault) expect((await call(app.control, 'POST', fault)).status).toBe(200);
    const url = path === 'closed' ? `http://127.0.0.1:${await freePort()}/` : `${app.base}${path}`;
    const { code, summary } = await client('--url', url, ...args);
    expect(code).toBe(0);
    expect({ ok: summary.ok, failures: summary.failures }).toEqual({ ok, failures });
    addsUp(summary);
    if (failures['5xx']) expect(summary.failedByApp).toEqual({ 'web/1/v1': 50 });
  });

  it('keeps a rate and prints a line per second that adds up to the summary', async () => {
    const app = await startApp();
    const { lines, summary } = await client('--url', `${app.base}/`, '--rate', '40', '--duration', '2', '--ticks');
    const ticks = lines.slice(0, -1);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks.every((t) => t.type === 'tick')).toBe(true);
    expect(ticks.reduce((n, t) => n + t.sent, 0)).toBe(summary.sent);
    expect(summary.sent).toBeGreaterThanOrEqual(75);
    expect(summary.sent).toBeLessThanOrEqual(81);
    expect(summary).toMatchObject({ rate: 40, concurrency: 100, failed: 0 });
  });

  it('skips (and counts) what the rate asks for while --concurrency requests are in flight', async () => {
    const app = await startApp();
    await call(app.control, 'POST', '/faults/hang');
    const { summary } = await client(
      '--url',
      `${app.base}/`,
      '--rate',
      '20',
      '--concurrency',
      '2',
      '--duration',
      '1',
      '--timeout',
      '1500',
    );
    expect(summary).toMatchObject({ sent: 2, failures: { connect: 0, timeout: 2, '5xx': 0, other: 0 } });
    expect(summary.skipped).toBeGreaterThanOrEqual(15);
    expect(summary.skipped).toBeLessThanOrEqual(18);
  });

  it('reuses connections with keep-alive, opens one per request without, and sends the headers asked for', async () => {
    let connections = 0;
    const seen: http.IncomingHttpHeaders[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers);
      res.end('ok');
    });
    server.on('connection', () => connections++);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const rows: [string[], (n: number) => void, string | undefined][] = [
        [[], (n) => expect(n).toBeLessThanOrEqual(2), 'keep-alive'],
        [['--no-keepalive'], (n) => expect(n).toBe(20), 'close'],
      ];
      for (const [flags, expectConnections, connectionHeader] of rows) {
        connections = 0;
        seen.length = 0;
        const { summary } = await client(
          '--url',
          url,
          '--requests',
          '20',
          '--concurrency',
          '2',
          '--header',
          'X-Canary: 1',
          ...flags,
        );
        expect(summary.ok).toBe(20);
        expectConnections(connections);
        expect(seen.every((h) => h['x-canary'] === '1' && h.connection === connectionHeader)).toBe(true);
      }
    } finally {
      server.close();
    }
  });

  it('keeps cookies like one browser with --cookies', async () => {
    const app = await startApp();
    const rows: [string[], Summary['sessions']][] = [
      [['--cookies'], { new: 1, kept: 9, lost: 0 }],
      [[], { new: 10, kept: 0, lost: 0 }],
    ];
    for (const [flags, sessions] of rows) {
      const { summary } = await client(
        '--url',
        `${app.base}/session`,
        '--requests',
        '10',
        '--concurrency',
        '3',
        ...flags,
      );
      expect(summary.sessions).toEqual(sessions);
    }
  });

  it('prints what it saw so far and exits 0 on SIGTERM', async () => {
    const app = await startApp();
    const { proc } = await spawnWhoami(['client', '--url', `${app.base}/`, '--rate', '50', '--duration', '60'], {}, 0);
    // Until the app has seen requests, the client may still be starting (no handlers yet).
    while ((await call(app.control, 'GET', '/')).json.requests < 5) await sleep(50);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toEqual([0, null]);
    await sleep(50);
    const last = JSON.parse(proc.lines.at(-1)!) as Line;
    expect(last).toMatchObject({ type: 'summary', interrupted: true });
    expect(last.sent).toBeGreaterThan(0);
  });

  it('refuses bad options with exit 2, the reason and the usage', async () => {
    const r = await runWhoami(['client', '--url', 'http://127.0.0.1:1/', '--rate=-3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^whoami client: --rate must be a number from 0.1 to 100000, got "-3"\nusage: /);
    expect(r.stdout).toBe('');
  });
});

describe('whoami client mode: waiting for commands', () => {
  async function startClient(env: Record<string, string> = {}, args = ['client']) {
    const { proc, first } = await spawnWhoami(args, { CONTROL_PORT: '0', ...env }, 1);
    const port = /^client listening on (\d+)$/.exec(first[0]!)?.[1];
    expect(port, first[0]).toBeDefined();
    return { ...proc, base: `http://127.0.0.1:${port}` };
  }

  it('runs a load and answers its summary (?wait=1), also when started by MODE=client', async () => {
    const app = await startApp({ SERVICE: 'web', REPLICA: '3' });
    const c = await startClient({ MODE: 'client' }, []);
    expect((await call(c.base, 'GET', '/health')).status).toBe(200);
    const r = await call(c.base, 'POST', '/runs?wait=1', { url: `${app.base}/`, requests: 30, concurrency: 3 });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ id: '1', state: 'done', summary: { sent: 30, ok: 30, byApp: { 'web/3/v1': 30 } } });
    expect((await call(c.base, 'GET', '/runs')).json).toEqual([
      { id: '1', state: 'done', url: `${app.base}/`, sent: 30, failed: 0 },
    ]);
  });

  it('starts a run in the background, shows it while it runs, and stops it', async () => {
    const app = await startApp();
    const c = await startClient();
    const started = await call(c.base, 'POST', '/runs', { url: `${app.base}/`, rate: 50, duration: 60 });
    expect(started).toEqual({ status: 202, json: { id: '1', state: 'running', href: '/runs/1' } });
    await sleep(1300);
    const running = (await call(c.base, 'GET', '/runs/1')).json;
    expect(running.state).toBe('running');
    expect(running.ticks.length).toBeGreaterThanOrEqual(1);
    expect(running.summary.sent).toBeGreaterThan(0);
    expect(running.spec).toMatchObject({ rate: 50, duration: 60 });
    const stopped = await call(c.base, 'DELETE', '/runs/1');
    expect(stopped.json).toMatchObject({ id: '1', state: 'stopped', summary: { inFlight: 0 } });
    addsUp(stopped.json.summary);
    expect(stopped.json.summary.sent).toBeGreaterThanOrEqual(running.summary.sent);
    expect((await call(c.base, 'GET', '/runs/1')).json.state).toBe('stopped');
  });

  it('streams a line per second and the summary (?stream=1); closing the stream stops the run', async () => {
    const app = await startApp();
    const c = await startClient();
    const res = await fetch(`${c.base}/runs?stream=1`, {
      method: 'POST',
      body: JSON.stringify({ url: `${app.base}/`, rate: 30, duration: 1.5 }),
    });
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    const summary = lines.at(-1)!;
    expect(summary.type).toBe('summary');
    expect(lines.slice(0, -1).every((l) => l.type === 'tick')).toBe(true);
    expect(lines.slice(0, -1).reduce((n, t) => n + t.sent, 0)).toBe(summary.sent);
    expect(summary.sent).toBeGreaterThanOrEqual(40);

    const abort = new AbortController();
    const long = await fetch(`${c.base}/runs?stream=1`, {
      method: 'POST',
      body: JSON.stringify({ url: `${app.base}/`, rate: 30, duration: 60 }),
      signal: abort.signal,
    });
    const reader = long.body!.getReader();
    await reader.read(); // the first tick
    abort.abort();
    await sleep(300);
    const stopped = (await call(c.base, 'GET', '/runs/2')).json;
    expect(stopped).toMatchObject({ state: 'stopped', summary: { inFlight: 0 } });
    await sleep(300);
    expect((await call(c.base, 'GET', '/runs/2')).json.summary.sent).toBe(stopped.summary.sent);
  });

  it('relays one request from inside the network (POST /fetch), e.g. to an app control port', async () => {
    const app = await startApp({ SERVICE: 'web', REPLICA: '1' });
    const c = await startClient();
    const set = await call(c.base, 'POST', '/fetch', { url: `${app.control}/faults/errors?rate=1`, method: 'POST' });
    expect(set.json).toMatchObject({ status: 200, headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(set.json.body)).toMatchObject({ errors: { rate: 1 } });
    const run = await call(c.base, 'POST', '/runs?wait=1', { url: `${app.base}/`, requests: 5 });
    expect(run.json.summary.failures).toEqual({ connect: 0, timeout: 0, '5xx': 5, other: 0 });
    const closed = await call(c.base, 'POST', '/fetch', { url: `http://127.0.0.1:${await freePort()}/` });
    expect(closed.json).toMatchObject({ error: expect.stringMatching(/ECONNREFUSED/), cause: 'ECONNREFUSED' });
  });

  describe('bad commands (one client for the table)', () => {
    let shared: { base: string };
    beforeAll(async () => {
      shared = await startClient();
    });
    afterAll(killAll);

    it.each([
      ['POST', '/runs', { url: 'http://h/', rate: 0 }, 400, /rate must be a number from 0.1 to 100000/],
      ['POST', '/runs', { rate: 5 }, 400, /url must be an http:\/\/ URL/],
      ['POST', '/runs?later=1', { url: 'http://h/' }, 400, /unknown parameter later/],
      ['GET', '/runs/9', undefined, 404, /no run "9": GET \/runs lists them/],
      ['DELETE', '/runs/9', undefined, 404, /no run "9"/],
      ['POST', '/fetch', { url: 'http://h/', method: 'PATCH' }, 400, /method must be GET, HEAD, POST, PUT or DELETE/],
      ['PUT', '/runs', undefined, 405, /method PUT not allowed/],
      ['GET', '/faults', undefined, 404, /not found: \/faults/],
    ])('refuses %s %s %j with %i and the reason', async (method, path, body, status, reason) => {
      const r = await call(shared.base, method, path, body);
      expect(r.status).toBe(status);
      expect(r.json.error).toMatch(reason);
    });
  });
});
