import { Agent, request } from 'node:http';
import type { Mode } from '../core/lab-schema.ts';

/**
 * A bounded burst of GET requests through the lab's app port, on loopback. In tcp mode every
 * request opens a new connection, because L4 balancing decides per connection and a
 * keep-alive client would stay on one server (Node's agents keep alive since Node 19).
 */
export interface LoadOptions {
  url: string;
  requests: number;
  concurrency: number;
  mode: Mode;
  /** Keep HAProxy's SERVERID cookie like one browser would (sticky sessions). */
  cookieJar?: boolean;
  signal?: AbortSignal;
  /** Stop sending at this time (performance.now()), e.g. for a drill of fixed length. */
  until?: number;
  timeoutMs?: number;
  /** Pause of each client between its requests: a steady, bounded rate instead of a flood. */
  pauseMs?: number;
  /** Called after each request, e.g. for a timeline. */
  onResult?: (r: RequestResult) => void;
}

export interface RequestResult {
  ok: boolean;
  status: number;
  /** HAProxy's X-Served-By (http mode), else null. */
  server: string | null;
  error?: string;
  at: number;
}

export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  /** X-Served-By tally (http mode only). */
  byServer: Record<string, number>;
  /** The first few distinct errors, for the report. */
  errors: string[];
  ms: number;
}

export async function sendLoad(o: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: o.mode === 'http', maxSockets: o.concurrency });
  const result: LoadResult = { sent: 0, ok: 0, failed: 0, byServer: {}, errors: [], ms: 0 };
  let cookie: string | undefined;
  let next = 0;
  const t0 = performance.now();
  const more = () => next < o.requests && !o.signal?.aborted && (o.until === undefined || performance.now() < o.until);
  const send = async () => {
    next++;
    const r = await get(o.url, o.mode === 'http' ? agent : false, cookie, o.timeoutMs ?? 5000);
    if (o.cookieJar && r.setCookie) cookie = r.setCookie;
    result.sent++;
    if (r.ok) result.ok++;
    else {
      result.failed++;
      const why = r.error ?? `HTTP ${r.status}`;
      if (result.errors.length < 5 && !result.errors.includes(why)) result.errors.push(why);
    }
    if (r.server) result.byServer[r.server] = (result.byServer[r.server] ?? 0) + 1;
    o.onResult?.(r);
  };
  const worker = async () => {
    while (more()) {
      await send();
      if (o.pauseMs) await new Promise((done) => setTimeout(done, o.pauseMs));
    }
  };
  // Like a browser that loads the page before fetching in parallel: with a cookie jar the first
  // request goes alone, so every later one carries the SERVERID cookie its answer set. Started
  // together, the first `concurrency` requests would each get a cookie for a different server.
  if (o.cookieJar && more()) await send();
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, o.requests)) }, worker));
  agent.destroy();
  result.ms = performance.now() - t0;
  return result;
}

interface Response extends RequestResult {
  setCookie?: string;
}

function get(url: string, agent: Agent | false, cookie: string | undefined, timeoutMs: number): Promise<Response> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = agent ? {} : { connection: 'close' };
    if (cookie) headers.cookie = cookie;
    const req = request(url, { agent, headers, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const served = res.headers['x-served-by'];
        const set = res.headers['set-cookie']?.find((c) => c.startsWith('SERVERID='));
        resolve({ ok: status >= 200 && status < 400, status, server: typeof served === 'string' ? served : null, setCookie: set?.split(';')[0], at: performance.now() });
      });
      res.on('error', (e) => resolve({ ok: false, status: 0, server: null, error: e.message, at: performance.now() }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, status: 0, server: null, error: e.code ?? e.message, at: performance.now() }));
    req.end();
  });
}
