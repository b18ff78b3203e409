// whoami: the demo app of the labs. It says which service, replica and version answered, and
// grows what lessons need: CPU work, sessions (memory or Redis), faults injected through a
// control port, and a client mode that sends load (see README.md). Node built-ins only.
import http from 'node:http';
import os from 'node:os';
import { controlServer } from './lib/control.mjs';
import { Faults } from './lib/faults.mjs';
import { send, sendJson, HttpError } from './lib/http.mjs';
import { lookupComposeName, ownIp } from './lib/identity.mjs';
import { answerSession } from './lib/session.mjs';
import { settings } from './lib/settings.mjs';
import { workPool } from './lib/work.mjs';

/** How long a stop (SIGTERM) waits for the requests in flight before the app exits anyway. */
const STOP_GRACE_MS = 500;

function startApp(s) {
  const hostname = os.hostname();
  const ip = ownIp(os.networkInterfaces());
  const me = { service: s.service, replica: s.replica, version: s.version };
  const started = Date.now();
  const pool = workPool(s.threads);
  let healthStatus = 200;
  let requests = 0;
  let xApp = '';
  const named = () => { xApp = `${me.service ?? 'unknown'}/${me.replica ?? 'unknown'}/${me.version}`; };
  named();

  if (me.replica === null || me.service === null) {
    lookupComposeName(ip).then((found) => {
      me.replica ??= found.replica;
      me.service ??= found.service;
      named();
    });
  }

  const who = () => ({ ...me });
  const whoami = () => ({ ...me, hostname, ip, pid: process.pid, servedAt: new Date().toISOString(), requests });

  function answer(req, res, url, extra = null) {
    const info = whoami();
    const wantsJson = url.pathname === '/json' || url.searchParams.get('format') === 'json'
      || (req.headers.accept ?? '').includes('application/json');
    if (wantsJson) return sendJson(res, 200, extra ? { ...info, ...extra.json } : info);
    send(res, 200, [
      `replica: ${info.replica ?? 'unknown'}`,
      `service: ${info.service ?? 'unknown'}`,
      `version: ${info.version}`,
      `hostname: ${info.hostname}`,
      `ip: ${info.ip}`,
      `served-at: ${info.servedAt}`,
      `requests: ${info.requests}`,
      `request: ${req.method} ${req.url}`,
      ...(extra ? [extra.text] : []),
    ].join('\n') + '\n');
  }

  const hung = new Set();
  const faults = new Faults((kind) => {
    // A hang that ends drops the connections it held, like a process that recovers.
    if (kind === 'hang') for (const res of hung.values()) res.destroy();
  });

  function health(req, res) {
    if (req.method === 'POST') {
      // Like traefik/whoami: POST a status code to fail (or restore) the health check
      // without stopping the replica.
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => { if (body.length < 64) body += chunk; });
      req.on('end', () => {
        const status = Number(body.trim());
        if (!/^\d{3}$/.test(body.trim()) || status < 200 || status > 599) {
          return send(res, 400, 'POST a status code between 200 and 599, e.g. 500\n');
        }
        healthStatus = status;
        send(res, 200, `health now answers ${status}\n`);
      });
      return;
    }
    const status = faults.unhealthyStatus || healthStatus;
    send(res, status, status === 200 ? 'ok\n' : `unhealthy (${status}${faults.unhealthyStatus ? ', injected fault' : ''})\n`);
  }

  // /slow keeps its old leniency: out-of-range waits are clamped to 0..10 s.
  const slowMs = (url) => {
    const value = Number(url.searchParams.get('ms') ?? 200);
    if (!Number.isFinite(value)) throw new HttpError(400, 'ms must be a number of milliseconds');
    return Math.min(Math.max(value, 0), 10_000);
  };

  /** The /work and /session answers wait for something; the rest answer at once. */
  async function work(req, res, url) {
    const t0 = performance.now();
    const raw = url.searchParams.get('ms') ?? '10';
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 10_000) {
      throw new HttpError(400, `ms must be a number of milliseconds from 0 to 10000 (got ${JSON.stringify(raw)})`);
    }
    await pool.run(n);
    const wallMs = Math.round(performance.now() - t0);
    answer(req, res, url, { json: { work: { ms: n, wallMs } }, text: `work: ${n} ms of CPU in ${wallMs} ms` });
  }

  const failed = (res) => (e) => send(res, e.status ?? 500, `${e.message}\n`);

  // Synchronous for / and /json: no promise per request on the path a load test hammers.
  function route(req, res, url) {
    requests += 1;
    const injected = faults.errorStatus();
    if (injected) return send(res, injected, `injected error (${injected}) from ${xApp}\n`);
    switch (url.pathname) {
      case '/':
      case '/json': return answer(req, res, url);
      // Holds the connection open for a while: makes leastconn visible.
      case '/slow': {
        const ms = slowMs(url);
        return setTimeout(() => answer(req, res, url), ms);
      }
      case '/work': return work(req, res, url).catch(failed(res));
      case '/session': return answerSession(req, res, url, s.store, who).catch(failed(res));
      default: return send(res, 404, `not found: ${url.pathname}\n`);
    }
  }

  const READ = new Set(['GET', 'HEAD']);
  const KNOWN = new Set(['/', '/json', '/health', '/slow', '/work', '/session']);
  const server = http.createServer((req, res) => {
    res.setHeader('X-App', xApp);
    if (faults.hang) {
      hung.add(res);
      res.on('close', () => hung.delete(res));
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/health' && (READ.has(req.method) || req.method === 'POST')) return health(req, res);
    if (KNOWN.has(url.pathname) && !READ.has(req.method)) return send(res, 405, `method ${req.method} not allowed\n`);
    const go = () => {
      try {
        route(req, res, url);
      } catch (e) {
        failed(res)(e);
      }
    };
    const delay = faults.latencyMs;
    if (delay) setTimeout(go, delay);
    else go();
  });

  // Idle keep-alive connections (HAProxy reuses them) are closed after 5 s.
  server.keepAliveTimeout = 5000;

  const status = async () => ({
    ...whoami(),
    uptimeS: Math.round((Date.now() - started) / 1000),
    health: faults.unhealthyStatus || healthStatus,
    faults: faults.view(),
    session: { store: s.store.kind, where: s.store.where, ...(await s.store.ping()) },
    threads: pool.threads,
  });
  const control = s.controlPort === null ? null : controlServer({ faults, status, exit: (code) => process.exit(code) });

  const cannotListen = (what) => (e) => {
    console.error(`whoami: cannot listen on ${what}: ${e.code ?? e.message}`);
    process.exit(1);
  };
  server.on('error', cannotListen(`PORT ${s.port}`));
  control?.on('error', cannotListen(`CONTROL_PORT ${s.controlPort}`));
  // STARTUP_DELAY_MS: an app that takes a while to start (loading caches, connecting to a
  // database): its container is running, and in Docker's DNS, before its port listens. Rolling
  // updates must wait for its health check rather than for the container.
  setTimeout(() => server.listen(s.port, '0.0.0.0', () => {
    // First line on stdout: with PORT=0 this is how a caller learns the port.
    console.log(`listening on ${server.address().port}`);
    if (control) control.listen(s.controlPort, '0.0.0.0', () => console.log(`control listening on ${control.address().port}`));
  }), s.startupDelayMs);

  // As PID 1 in a container Node has no default signal handlers, so without these
  // `docker stop` waits for its grace period. Shut down gracefully, as a real service should
  // (a kill, SIGKILL, stays abrupt): stop accepting, answer the requests in flight, close idle
  // keep-alive connections, and exit when done or after STOP_GRACE_MS, so a hung request
  // (the hang fault) does not hold the stop. Exiting at once reset requests in flight, which
  // HAProxy cannot retry: a CI run saw one fail in a `stop` drill that allows none.
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      control?.close();
      server.close(() => process.exit(0));
      server.closeIdleConnections();
      setTimeout(() => process.exit(0), STOP_GRACE_MS).unref();
    });
  }
}

const mode = process.argv[2] === 'client' ? 'client' : (process.env.MODE || 'server');
if (mode === 'client') {
  const { main } = await import('./lib/client/main.mjs');
  await main(process.argv.slice(process.argv[2] === 'client' ? 3 : 2));
} else if (mode !== 'server') {
  console.error(`whoami: MODE must be server or client (got ${JSON.stringify(mode)})`);
  process.exit(2);
} else {
  const s = settings(process.env);
  if (s.errors.length) {
    for (const e of s.errors) console.error(`whoami: ${e}`);
    process.exit(2);
  }
  startApp(s);
}
