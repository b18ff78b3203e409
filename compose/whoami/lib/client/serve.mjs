// The client waiting for commands: lab starts, watches and stops load runs over HTTP, and
// reaches ports inside the lab network that nothing publishes (the apps' control ports).
import http from 'node:http';
import { HttpError, guarded, num, onlyParams, readJson, send, sendJson } from '../http.mjs';
import { runSpec } from './spec.mjs';
import { startRun } from './run.mjs';

const MAX_RUNNING = 8;
const KEEP_FINISHED = 50;
const MAX_BODY = 256 * 1024;

/**
 * GET /health           ok
 * POST /runs            start a run (JSON body: see spec.mjs) → 202 { id, href }
 *   ?wait=1             … and answer its summary when it ends
 *   ?stream=1           … and answer NDJSON: a line per second, then the summary;
 *                       closing the connection stops the run
 * GET /runs             every run: id, state, sent, failed
 * GET /runs/ID          one run: spec, summary so far, ticks
 * DELETE /runs/ID       stop it; answers its summary
 * POST /fetch           one request from inside the network: { url, method, headers, body, timeoutMs }
 */
export function clientServer() {
  const runs = new Map();
  let seq = 0;
  const view = (e) => ({ id: e.id, state: e.state, startedAt: e.startedAt, spec: e.spec, summary: e.run.snapshot(), ticks: e.ticks });

  function start(spec) {
    if ([...runs.values()].filter((e) => e.state === 'running').length >= MAX_RUNNING) {
      throw new HttpError(409, `${MAX_RUNNING} runs are already running: stop one first (DELETE /runs/ID)`);
    }
    const entry = { id: String(++seq), state: 'running', startedAt: new Date().toISOString(), spec, ticks: [], listeners: new Set() };
    entry.run = startRun(spec, { onTick: (t) => { entry.ticks.push(t); for (const l of entry.listeners) l(t); } });
    entry.run.done.then(() => {
      if (entry.state === 'running') entry.state = 'done';
      const finished = [...runs.values()].filter((e) => e.state !== 'running');
      for (const old of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) runs.delete(old.id);
    });
    runs.set(entry.id, entry);
    return entry;
  }

  const find = (id) => {
    const entry = runs.get(id);
    if (!entry) throw new HttpError(404, `no run ${JSON.stringify(id)}: GET /runs lists them`);
    return entry;
  };

  return http.createServer(guarded(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, first, id, extra] = url.pathname.split('/');
    const route = `${req.method} /${first}${id === undefined ? '' : '/:id'}`;
    if (extra !== undefined) throw new HttpError(404, `not found: ${url.pathname}`);
    switch (route) {
      case 'GET /health': return send(res, 200, 'ok\n');
      case 'GET /runs': return sendJson(res, 200, [...runs.values()].map((e) => {
        const s = e.run.snapshot();
        return { id: e.id, state: e.state, url: e.spec.url, sent: s.sent, failed: s.failed };
      }));
      case 'POST /runs': {
        onlyParams(Object.fromEntries(url.searchParams), ['wait', 'stream'], 'POST /runs');
        const entry = start(runSpec(await readJson(req)));
        if (url.searchParams.has('stream')) return stream(entry, res);
        if (url.searchParams.has('wait')) {
          const summary = await entry.run.done;
          return sendJson(res, 200, { id: entry.id, state: entry.state, summary });
        }
        return sendJson(res, 202, { id: entry.id, state: entry.state, href: `/runs/${entry.id}` }, { Location: `/runs/${entry.id}` });
      }
      case 'GET /runs/:id': return sendJson(res, 200, view(find(id)));
      case 'DELETE /runs/:id': {
        const entry = find(id);
        if (entry.state === 'running') entry.state = 'stopped';
        const summary = await entry.run.stop();
        return sendJson(res, 200, { id: entry.id, state: entry.state, summary });
      }
      case 'POST /fetch': return sendJson(res, 200, await relay(await readJson(req)));
      default: {
        const known = ['health', 'runs', 'fetch'].includes(first);
        throw new HttpError(known ? 405 : 404, known ? `method ${req.method} not allowed on ${url.pathname}` : `not found: ${url.pathname}`);
      }
    }
  }));
}

function stream(entry, res) {
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-store' });
  const line = (value) => res.write(JSON.stringify(value) + '\n');
  entry.listeners.add(line);
  res.on('close', () => {
    entry.listeners.delete(line);
    if (entry.state === 'running') {
      entry.state = 'stopped';
      entry.run.stop();
    }
  });
  entry.run.done.then((summary) => {
    entry.listeners.delete(line);
    if (!res.destroyed) res.end(JSON.stringify(summary) + '\n');
  });
}

/** One request on behalf of lab; an unreachable target is an answer ({ error, cause }), not a failure. */
async function relay(input) {
  onlyParams(input, ['url', 'method', 'headers', 'body', 'timeoutMs'], 'POST /fetch');
  const target = runSpec({ url: input.url, headers: input.headers ?? {} });
  const method = input.method ?? 'GET';
  if (!['GET', 'HEAD', 'POST', 'PUT', 'DELETE'].includes(method)) throw new HttpError(400, `method must be GET, HEAD, POST, PUT or DELETE (got ${JSON.stringify(method)})`);
  if (input.body !== undefined && typeof input.body !== 'string') throw new HttpError(400, 'body must be a string');
  const timeoutMs = num(input, 'timeoutMs', { min: 1, max: 60_000, integer: true, fallback: 5000 });
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(target.url, { method, headers: target.headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks = [];
      let size = 0;
      res.on('data', (c) => { size += c.length; if (size <= MAX_BODY) chunks.push(c); });
      res.on('end', () => resolve({
        status: res.statusCode,
        headers: res.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        ...(size > MAX_BODY ? { truncated: true } : {}),
        ms: Math.round(performance.now() - started),
      }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'TIMEOUT' })));
    req.on('error', (e) => resolve({ error: e.message, cause: e.code ?? 'other', ms: Math.round(performance.now() - started) }));
    req.end(input.body);
  });
}
