// whoami: a tiny web app that says which replica answered. Node built-ins only.
import http from 'node:http';
import os from 'node:os';
import { Resolver } from 'node:dns/promises';

const port = Number(process.env.PORT ?? 8000);
const hostname = os.hostname();
const ip = Object.values(os.networkInterfaces()).flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address ?? '127.0.0.1';

let replica = /^\d+$/.test(process.env.REPLICA ?? '') ? Number(process.env.REPLICA) : null;
let healthStatus = 200;
let requests = 0;

// Compose names containers <project>-<service>-<N>; a container cannot read its own name,
// but Docker's embedded DNS answers the reverse lookup of its IP with that name. Done once,
// in the background: requests never wait for it and replica stays null if it fails.
// A PTR query, not dns.reverse(): that reads /etc/hosts first, which maps the IP to the
// container ID, and then returns no names at all.
if (replica === null) {
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  const timer = setTimeout(() => resolver.cancel(), 2500).unref();
  resolver.resolvePtr(`${ip.split('.').reverse().join('.')}.in-addr.arpa`)
    .then((names) => {
      const n = names[0]?.split('.')[0]?.match(/-(\d+)$/)?.[1];
      if (n !== undefined && replica === null) replica = Number(n);
    })
    .catch(() => {})
    .finally(() => clearTimeout(timer));
}

function whoami() {
  requests += 1;
  return { replica, hostname, ip, pid: process.pid, servedAt: new Date().toISOString(), requests };
}

function answer(req, res, url) {
  const info = whoami();
  const wantsJson = url.pathname === '/json' || url.searchParams.get('format') === 'json'
    || (req.headers.accept ?? '').includes('application/json');
  if (wantsJson) return send(res, 200, JSON.stringify(info) + '\n', 'application/json');
  send(res, 200, [
    `replica: ${info.replica ?? 'unknown'}`,
    `hostname: ${info.hostname}`,
    `ip: ${info.ip}`,
    `served-at: ${info.servedAt}`,
    `requests: ${info.requests}`,
    `request: ${req.method} ${req.url}`,
  ].join('\n') + '\n');
}

function send(res, status, body, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const read = req.method === 'GET' || req.method === 'HEAD';

  if (url.pathname === '/health' && req.method === 'POST') {
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
  if (url.pathname === '/health' && read) {
    return send(res, healthStatus, healthStatus === 200 ? 'ok\n' : `unhealthy (${healthStatus})\n`);
  }
  if (url.pathname === '/slow' && read) {
    // Holds the connection open for a while: makes leastconn visible.
    const ms = Number(url.searchParams.get('ms') ?? 200);
    if (!Number.isFinite(ms)) return send(res, 400, 'ms must be a number of milliseconds\n');
    setTimeout(() => answer(req, res, url), Math.min(Math.max(ms, 0), 10_000));
    return;
  }
  if ((url.pathname === '/' || url.pathname === '/json') && read) return answer(req, res, url);
  const known = ['/', '/json', '/health', '/slow'].includes(url.pathname);
  send(res, known ? 405 : 404, known ? `method ${req.method} not allowed\n` : `not found: ${url.pathname}\n`);
});

// Idle keep-alive connections (HAProxy reuses them) are closed after 5 s.
server.keepAliveTimeout = 5000;

server.listen(port, '0.0.0.0', () => {
  // First line on stdout: with PORT=0 this is how a caller learns the port.
  console.log(`listening on ${server.address().port}`);
});

// As PID 1 in a container Node has no default signal handlers, so without these
// `docker stop` waits for its grace period. Exit at once: open keep-alive connections
// would make server.close() alone wait.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
