import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { call, killAll, runWhoami, since, startApp, type App } from '../helpers/whoami.ts';

interface Whoami {
  service: string | null;
  replica: number | null;
  version: string;
  hostname: string;
  ip: string;
  pid: number;
  servedAt: string;
  requests: number;
}

/** Starts the app on free ports (PORT=0); see tests/helpers/whoami.ts. */
const start = (env: Record<string, string> = {}): Promise<App> => startApp(env);

/** CPU time (user + system) a process has used, in ms, from /proc (Linux clock ticks of 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

describe('whoami demo app', () => {
  it('answers who it is as text', async () => {
    const { base } = await start({ REPLICA: '3' });
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^replica: 3$/m);
    expect(text).toMatch(/^hostname: \S+$/m);
    expect(text).toMatch(/^ip: \d+\.\d+\.\d+\.\d+$/m);
    expect(text).toMatch(/^served-at: \d{4}-\d\d-\d\dT/m);
    expect(text).toMatch(/^request: GET \/$/m);
    expect(text).toMatch(/^version: v1$/m);
  });

  it('answers as JSON for /json, ?format=json and Accept: application/json', async () => {
    const { base, child } = await start();
    const answers = [
      await fetch(`${base}/json`),
      await fetch(`${base}/?format=json`),
      await fetch(`${base}/`, { headers: { accept: 'application/json' } }),
    ];
    const bodies: Whoami[] = [];
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      bodies.push((await res.json()) as Whoami);
    }
    for (const body of bodies) {
      expect(Object.keys(body).sort()).toEqual([
        'hostname',
        'ip',
        'pid',
        'replica',
        'requests',
        'servedAt',
        'service',
        'version',
      ]);
      // Outside Compose the reverse lookup usually fails, but a host's own DNS may answer.
      expect(body.replica === null || Number.isInteger(body.replica)).toBe(true);
      expect(body.pid).toBe(child.pid);
      expect(body.version).toBe('v1');
      expect(Number.isNaN(Date.parse(body.servedAt))).toBe(false);
    }
    expect(bodies.map((b) => b.requests)).toEqual([1, 2, 3]);
  });

  it('takes the replica number from REPLICA', async () => {
    const { base } = await start({ REPLICA: '7' });
    const body = (await (await fetch(`${base}/json`)).json()) as Whoami;
    expect(body.replica).toBe(7);
  });

  it('names service, replica and version in X-App on every answer, and in its bodies', async () => {
    const { base } = await start({ SERVICE: 'api', VERSION: 'v2', REPLICA: '4' });
    const paths: [string, number][] = [
      ['/', 200],
      ['/json', 200],
      ['/health', 200],
      ['/slow?ms=1', 200],
      ['/work?ms=1', 200],
      ['/session', 200],
      ['/nope', 404],
    ];
    for (const [path, status] of paths) {
      const res = await fetch(`${base}${path}`);
      await res.text();
      expect([path, res.status, res.headers.get('x-app')]).toEqual([path, status, 'api/4/v2']);
    }
    const text = await (await fetch(`${base}/`)).text();
    expect(text).toMatch(/^service: api$/m);
    expect(text).toMatch(/^version: v2$/m);
    const body = (await (await fetch(`${base}/json`)).json()) as Whoami;
    expect(body).toMatchObject({ service: 'api', replica: 4, version: 'v2' });
  });

  it('counts every request on the main port but health checks', async () => {
    const { base } = await start();
    for (const path of ['/', '/health', '/nope', '/health', '/slow?ms=1']) await (await fetch(`${base}${path}`)).text();
    const body = (await (await fetch(`${base}/json`)).json()) as Whoami;
    expect(body.requests).toBe(4);
  });

  it('answers /health with 200 ok, and with a status POSTed to it', async () => {
    const { base } = await start();
    const health = async () => {
      const res = await fetch(`${base}/health`);
      return [res.status, (await res.text()).trim()];
    };
    expect(await health()).toEqual([200, 'ok']);

    expect((await fetch(`${base}/health`, { method: 'POST', body: '500' })).status).toBe(200);
    expect((await health())[0]).toBe(500);
    expect((await health())[0]).toBe(500);

    expect((await fetch(`${base}/health`, { method: 'POST', body: 'broken' })).status).toBe(400);
    expect((await health())[0]).toBe(500);

    expect((await fetch(`${base}/health`, { method: 'POST', body: '200' })).status).toBe(200);
    expect(await health()).toEqual([200, 'ok']);
  });

  it('waits on /slow?ms=50 before answering', async () => {
    const { base } = await start({ REPLICA: '1' });
    const started = performance.now();
    const res = await fetch(`${base}/slow?ms=50`);
    const text = await res.text();
    // Timers may fire up to ~1 ms early against performance.now(); allow for that.
    expect(performance.now() - started).toBeGreaterThanOrEqual(49);
    expect(res.status).toBe(200);
    expect(text).toMatch(/^replica: 1$/m);
  });

  it('listens only after STARTUP_DELAY_MS, like an app that warms up first', async () => {
    const t0 = performance.now();
    const { base } = await start({ STARTUP_DELAY_MS: '400' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(400);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it.each([
    ['one thread', '1'],
    ['worker threads', '2'],
  ])('burns about ms of CPU on /work?ms= (%s)', async (_, threads) => {
    const { base, child, control } = await start({ THREADS: threads });
    await (await fetch(`${base}/work?ms=1`)).text(); // calibrates
    const before = await cpuMs(child.pid!);
    const answers = await Promise.all(
      [1, 2].map(
        async () =>
          (await fetch(`${base}/work?ms=150&format=json`)).json() as Promise<
            Whoami & { work: { ms: number; wallMs: number } }
          >,
      ),
    );
    const used = (await cpuMs(child.pid!)) - before;
    for (const a of answers) expect(a.work.ms).toBe(150);
    // 2 × 150 ms of work; a timer instead of a busy loop would use next to nothing.
    expect(used).toBeGreaterThanOrEqual(200);
    const text = await (await fetch(`${base}/work?ms=5`)).text();
    expect(text).toMatch(/^work: 5 ms of CPU in \d+ ms$/m);
    const status = await call(control, 'GET', '/');
    expect(status.json.threads).toBe(Number(threads));
  });

  it.each(['abc', '-1', '10001', ''])('refuses /work?ms=%j with 400', async (ms) => {
    const { base } = await start();
    const res = await fetch(`${base}/work?ms=${ms}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/ms must be .*0 to 10000/);
  });

  it('answers 404 for an unknown path', async () => {
    const { base } = await start();
    const res = await fetch(`${base}/nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/not found/);
  });

  describe('the main port (one app for the table)', () => {
    let app: App;
    beforeAll(async () => {
      app = await start();
    });
    afterAll(killAll);

    it.each([
      ['GET', '/faults'],
      ['POST', '/faults/errors?rate=1'],
      ['POST', '/faults/hang'],
      ['POST', '/faults/exit'],
      ['DELETE', '/faults'],
      ['GET', '/control'],
    ])('never exposes control on the main port: %s %s is 404', async (method, path) => {
      const res = await fetch(`${app.base}${path}`, { method });
      expect(res.status).toBe(404);
      await res.text();
      expect((await call(app.control, 'GET', '/faults')).json).toEqual({});
      expect((await fetch(`${app.base}/`)).status).toBe(200);
    });
  });

  it.each([
    [{ SERVICE: 'a/b' }, /SERVICE must be 1 to 63 letters/],
    [{ VERSION: 'v 2' }, /VERSION must be 1 to 63 letters/],
    [{ THREADS: '0' }, /THREADS must be an integer from 1 to 64/],
    [{ STARTUP_DELAY_MS: 'soon' }, /STARTUP_DELAY_MS must be a whole number of milliseconds from 0 to 60000/],
    [{ STARTUP_DELAY_MS: '90000' }, /STARTUP_DELAY_MS must be a whole number/],
    [{ REDIS_URL: 'http://cache:6379' }, /REDIS_URL must look like redis:\/\/host:6379\/0/],
    [{ SESSION_TTL: 'soon' }, /SESSION_TTL must be a whole number of seconds/],
    [{ PORT: '70000' }, /PORT must be a port number from 0 to 65535/],
    [{ CONTROL_PORT: 'abc' }, /CONTROL_PORT must be a port number/],
    [{ PORT: '8123', CONTROL_PORT: '8123' }, /CONTROL_PORT must differ from PORT/],
    [{ MODE: 'proxy' }, /MODE must be server or client/],
  ])('refuses to start with %j: exit 2 and the reason', async (env, reason) => {
    const r = await runWhoami([], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(reason);
    expect(r.stdout).toBe('');
  });

  it('exits with code 0 within half a second on SIGTERM, even with a request in flight that would take 5 s', async () => {
    const { child, port } = await start();
    const agent = new http.Agent({ keepAlive: true });
    try {
      await new Promise<void>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
            res.resume();
            res.on('end', resolve);
          })
          .on('error', reject);
      });
      // That socket now sits idle in the agent's pool. Node's server.close() drops idle
      // connections itself, so also keep one busy: close() alone would wait for it.
      expect(Object.values(agent.freeSockets).flat()).toHaveLength(1);
      const busy = http.get({ host: '127.0.0.1', port, path: '/slow?ms=5000', agent });
      busy.on('error', () => {});
      await once(busy, 'socket');
      await new Promise((resolve) => setTimeout(resolve, 50));

      const exited = once(child, 'exit');
      const started = performance.now();
      child.kill('SIGTERM');
      const [code, signal] = await exited;
      expect(since(started)).toBeLessThan(1000);
      expect({ code, signal }).toEqual({ code: 0, signal: null });
    } finally {
      agent.destroy();
    }
  });

  it('answers a request in flight before it exits on SIGTERM (a stop is graceful; only a kill cuts requests)', async () => {
    const { child, port } = await start();
    const answer = new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/slow?ms=200' }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
        .on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect(await answer).toBe(200);
    expect((await exited)[0]).toBe(0);
  });
});
