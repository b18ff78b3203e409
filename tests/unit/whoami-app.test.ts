import { describe, it, expect, afterEach } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../../compose/whoami/server.mjs', import.meta.url));
const children: ChildProcess[] = [];

interface Whoami {
  replica: number | null;
  hostname: string;
  ip: string;
  pid: number;
  servedAt: string;
  requests: number;
}

interface App {
  child: ChildProcess;
  base: string;
  port: number;
}

/** Starts the app on a free port (PORT=0) and reads the port from its first stdout line. */
async function start(env: Record<string, string> = {}): Promise<App> {
  const child = spawn(process.execPath, [SERVER], {
    // An empty REPLICA counts as unset, so one in the caller's environment cannot leak in.
    env: { ...process.env, PORT: '0', REPLICA: '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => { throw new Error('server exited before listening'); }),
  ])) as [string];
  lines.close();
  child.stdout!.resume();
  const match = /^listening on (\d+)$/.exec(first);
  expect(match, `first line: ${first}`).not.toBeNull();
  const port = Number(match![1]);
  return { child, port, base: `http://127.0.0.1:${port}` };
}

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

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
      expect(Object.keys(body).sort()).toEqual(['hostname', 'ip', 'pid', 'replica', 'requests', 'servedAt']);
      // Outside Compose the reverse lookup usually fails, but a host's own DNS may answer.
      expect(body.replica === null || Number.isInteger(body.replica)).toBe(true);
      expect(body.pid).toBe(child.pid);
      expect(Number.isNaN(Date.parse(body.servedAt))).toBe(false);
    }
    expect(bodies.map((b) => b.requests)).toEqual([1, 2, 3]);
  });

  it('takes the replica number from REPLICA', async () => {
    const { base } = await start({ REPLICA: '7' });
    const body = (await (await fetch(`${base}/json`)).json()) as Whoami;
    expect(body.replica).toBe(7);
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

  it('answers 404 for an unknown path', async () => {
    const { base } = await start();
    const res = await fetch(`${base}/nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/not found/);
  });

  it('exits with code 0 at once on SIGTERM, even with connections open', async () => {
    const { child, port } = await start();
    const agent = new http.Agent({ keepAlive: true });
    try {
      await new Promise<void>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        }).on('error', reject);
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
      expect(performance.now() - started).toBeLessThan(1000);
      expect({ code, signal }).toEqual({ code: 0, signal: null });
    } finally {
      agent.destroy();
    }
  });
});
