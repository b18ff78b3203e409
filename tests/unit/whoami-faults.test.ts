import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import { call, killAll, since, sleep, startApp, type App } from '../helpers/whoami.ts';

/** One GET with its own connection: status (0 when the connection broke) and time taken. */
function hit(url: string, timeoutMs = 3000): Promise<{ status: number; ms: number; error?: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: since(t0) }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('client timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ status: 0, ms: since(t0), error: e.code ?? e.message }));
  });
}

interface Case {
  fault: string;
  query: string;
  /** What the main port does while the fault is active. */
  during: (app: App) => Promise<void>;
}

const cases: Case[] = [
  {
    fault: 'latency',
    query: 'ms=600',
    during: async (app) => {
      expect((await hit(`${app.base}/`)).ms).toBeGreaterThanOrEqual(595);
      // Health checks stay quick: a slow app is not a dead one.
      expect((await hit(`${app.base}/health`)).ms).toBeLessThan(400);
    },
  },
  {
    fault: 'errors',
    query: 'rate=1',
    during: async (app) => {
      const res = await fetch(`${app.base}/`);
      expect(res.status).toBe(500);
      expect(res.headers.get('x-app')).toBe('web/2/v1');
      expect(await res.text()).toMatch(/injected error \(500\) from web\/2\/v1/);
      // The health check still passes: only observe layer7 in HAProxy can see these.
      expect((await hit(`${app.base}/health`)).status).toBe(200);
    },
  },
  {
    fault: 'hang',
    query: '',
    during: async (app) => {
      const [page, health] = await Promise.all([hit(`${app.base}/`, 400), hit(`${app.base}/health`, 400)]);
      expect(page.error).toBe('client timeout');
      expect(health.error).toBe('client timeout');
    },
  },
  {
    fault: 'unhealthy',
    query: '',
    during: async (app) => {
      expect((await hit(`${app.base}/health`)).status).toBe(503);
      expect((await hit(`${app.base}/`)).status).toBe(200);
    },
  },
];

describe('whoami control port: faults', () => {
  it.each(cases)('injects $fault, reports it, and clears it', async ({ fault, query, during }) => {
    const app = await startApp({ SERVICE: 'web', REPLICA: '2' });
    const set = await call(app.control, 'POST', `/faults/${fault}${query ? `?${query}` : ''}`);
    expect(set.status).toBe(200);
    expect(Object.keys(set.json)).toEqual([fault]);
    expect(set.json[fault].until).toBeNull();
    expect((await call(app.control, 'GET', '/faults')).json).toEqual(set.json);
    expect((await call(app.control, 'GET', '/')).json.faults).toEqual(set.json);

    await during(app);

    const cleared = await call(app.control, 'DELETE', `/faults/${fault}`);
    expect(cleared).toEqual({ status: 200, json: {} });
    const after = await hit(`${app.base}/`);
    expect(after.status).toBe(200);
    expect(after.ms).toBeLessThan(400);
    expect((await hit(`${app.base}/health`)).status).toBe(200);
  });

  it('takes parameters as a JSON body too', async () => {
    const app = await startApp();
    const set = await call(app.control, 'POST', '/faults/errors', { rate: 0.5, status: 503 });
    expect(set.json.errors).toMatchObject({ rate: 0.5, status: 503 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await hit(`${app.base}/`)).status);
    expect(statuses).toEqual([200, 503, 200, 503]);
    expect((await call(app.control, 'GET', '/faults')).json.errors).toMatchObject({ seen: 4, failed: 2 });
  });

  it('ends a fault given for= seconds by itself', async () => {
    const app = await startApp();
    const set = await call(app.control, 'POST', '/faults/unhealthy?for=0.3');
    expect(Date.parse(set.json.unhealthy.until) - Date.parse(set.json.unhealthy.since)).toBe(300);
    expect((await hit(`${app.base}/health`)).status).toBe(503);
    await sleep(450);
    expect((await hit(`${app.base}/health`)).status).toBe(200);
    expect((await call(app.control, 'GET', '/faults')).json).toEqual({});
  });

  it('drops the connections a hang held when the hang ends', async () => {
    const app = await startApp();
    await call(app.control, 'POST', '/faults/hang');
    const held = hit(`${app.base}/`, 5000);
    await sleep(200);
    await call(app.control, 'DELETE', '/faults/hang');
    const r = await held;
    expect(r.status).toBe(0);
    expect(r.error).toMatch(/ECONNRESET|socket hang up/);
    expect(r.ms).toBeLessThan(2000);
  });

  it('clears every fault with DELETE /faults', async () => {
    const app = await startApp();
    await call(app.control, 'POST', '/faults/latency?ms=50');
    await call(app.control, 'POST', '/faults/unhealthy');
    expect(Object.keys((await call(app.control, 'GET', '/faults')).json).sort()).toEqual(['latency', 'unhealthy']);
    expect(await call(app.control, 'DELETE', '/faults')).toEqual({ status: 200, json: {} });
    expect((await hit(`${app.base}/health`)).status).toBe(200);
  });

  it('exits with the code asked for, after answering', async () => {
    const app = await startApp();
    const r = await call(app.control, 'POST', '/faults/exit?code=3');
    expect(r).toEqual({ status: 202, json: { exiting: true, code: 3 } });
    expect(await app.exited).toEqual([3, null]);
  });

  describe('bad requests (one app for the table)', () => {
    let shared: App;
    beforeAll(async () => {
      shared = await startApp();
    });
    afterAll(killAll);

    it.each([
      ['POST', '/faults/slow', 404, /no fault named "slow": use one of latency, errors, hang, unhealthy, exit/],
      ['POST', '/faults/latency', 400, /ms is required \(an integer from 0 to 60000\)/],
      ['POST', '/faults/latency?ms=fast', 400, /ms must be an integer from 0 to 60000, got "fast"/],
      ['POST', '/faults/errors?rate=2', 400, /rate must be a number from 0 to 1, got "2"/],
      ['POST', '/faults/errors?rate=0.1&fro=10', 400, /unknown parameter fro: errors takes rate, status, for/],
      ['POST', '/faults/hang?for=-1', 400, /for must be a number from 0.001 to 86400/],
      ['POST', '/faults/exit?for=5', 400, /unknown parameter for: exit takes code/],
      ['DELETE', '/faults/exit', 404, /no fault named "exit"/],
      ['GET', '/faults/latency', 405, /method GET not allowed/],
      ['GET', '/nope', 404, /not found: \/nope/],
    ])('refuses %s %s with %i and the reason', async (method, path, status, reason) => {
      const r = await call(shared.control, method, path);
      expect(r.status).toBe(status);
      expect(r.json.error).toMatch(reason);
      expect((await call(shared.control, 'GET', '/faults')).json).toEqual({});
    });
  });

  it('refuses a body that is not a JSON object', async () => {
    const app = await startApp();
    const res = await fetch(`${app.control}/faults/latency`, { method: 'POST', body: 'ms=5' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/body is not JSON/);
  });

  it('reports the app on GET /: identity, requests, health, faults, session store', async () => {
    const app = await startApp({ SERVICE: 'api', VERSION: 'v3', REPLICA: '1' });
    await fetch(`${app.base}/`);
    const { json } = await call(app.control, 'GET', '/');
    expect(json).toMatchObject({
      service: 'api',
      replica: 1,
      version: 'v3',
      requests: 1,
      health: 200,
      faults: {},
      session: { store: 'memory', ok: true, sessions: 0 },
      threads: 1,
    });
    expect((await call(app.control, 'GET', '/health')).status).toBe(200);
  });
});
