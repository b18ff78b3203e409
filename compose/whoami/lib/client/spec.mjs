// What a load run does, from the command line or from a JSON body; one validation for both. Pure.
import { parseArgs } from 'node:util';
import { HttpError, num, onlyParams } from '../http.mjs';

const FIELDS = ['url', 'rate', 'concurrency', 'duration', 'requests', 'keepAlive', 'headers', 'cookies', 'timeoutMs', 'ticks'];
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * A run: `concurrency` requests in flight, each sent when the last answered (closed loop), or
 * with `rate`, that many per second whatever the answers (open loop), at most `concurrency`
 * in flight. Stops after `duration` seconds or `requests` answers, whichever comes first.
 */
export function runSpec(input) {
  onlyParams(input, FIELDS, 'a run');
  let url;
  try {
    url = new URL(String(input.url ?? ''));
  } catch {
    throw new HttpError(400, `url must be an http:// URL, e.g. http://haproxy:8080/ (got ${JSON.stringify(input.url ?? null)})`);
  }
  if (url.protocol !== 'http:') throw new HttpError(400, `url must be an http:// URL (got ${JSON.stringify(input.url)})`);
  const rate = num(input, 'rate', { min: 0.1, max: 100_000, fallback: null });
  const duration = num(input, 'duration', { min: 0.1, max: 3600, fallback: null });
  const requests = num(input, 'requests', { min: 1, max: 10_000_000, integer: true, fallback: duration === null ? 100 : null });
  const headers = input.headers ?? {};
  if (typeof headers !== 'object' || Array.isArray(headers)) throw new HttpError(400, 'headers must be an object of name: value');
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name) || typeof value !== 'string' || /[\r\n]/.test(value)) {
      throw new HttpError(400, `header ${JSON.stringify(name)}: names are tokens and values one-line strings`);
    }
  }
  return {
    url: url.href,
    rate,
    concurrency: num(input, 'concurrency', { min: 1, max: 1000, integer: true, fallback: rate === null ? 1 : 100 }),
    duration,
    requests,
    keepAlive: bool(input, 'keepAlive', true),
    headers,
    cookies: bool(input, 'cookies', false),
    timeoutMs: num(input, 'timeoutMs', { min: 1, max: 60_000, integer: true, fallback: 2000 }),
    ticks: bool(input, 'ticks', false),
  };
}

function bool(input, name, fallback) {
  const v = input[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new HttpError(400, `${name} must be true or false (got ${JSON.stringify(v)})`);
  return v;
}

export const USAGE = `usage: node server.mjs client [--url URL] [options]   (or MODE=client)
  --url URL            send requests to URL (http://); without it, wait for commands (--port)
  --concurrency N      requests in flight (default 1; with --rate: at most N, default 100)
  --rate R             R requests per second, whatever the answers (open loop)
  --duration S         stop after S seconds
  --requests N         stop after N requests (default 100 unless --duration)
  --no-keepalive       a new connection per request (keep-alive is on by default)
  --header 'Name: v'   add a request header (repeatable)
  --cookies            keep cookies between requests, like one browser
  --timeout MS         a request fails after MS ms without a whole answer (default 2000)
  --ticks              also print a JSON line per second
  --port P             with no --url: the control port to listen on (default CONTROL_PORT or 8001)`;

/** argv after `client` → { help } | { serve: port } | { spec }; throws with the reason. */
export function parseClientArgs(argv, env = {}) {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      url: { type: 'string' }, rate: { type: 'string' }, concurrency: { type: 'string' },
      duration: { type: 'string' }, requests: { type: 'string' }, 'no-keepalive': { type: 'boolean' },
      header: { type: 'string', multiple: true }, cookies: { type: 'boolean' }, timeout: { type: 'string' },
      ticks: { type: 'boolean' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help) return { help: true };
  if (v.url === undefined) {
    const runOnly = ['rate', 'concurrency', 'duration', 'requests', 'no-keepalive', 'header', 'cookies', 'timeout', 'ticks'].filter((k) => v[k] !== undefined);
    if (runOnly.length) throw new Error(`--${runOnly[0]} needs --url (without --url the client waits for commands)`);
    const port = num({ port: v.port ?? env.CONTROL_PORT ?? '8001' }, 'port', { min: 0, max: 65535, integer: true });
    return { serve: port };
  }
  if (v.port !== undefined) throw new Error('--port is for waiting for commands, without --url');
  const headers = {};
  for (const h of v.header ?? []) {
    const colon = h.indexOf(':');
    if (colon < 1) throw new Error(`--header must look like 'Name: value' (got ${JSON.stringify(h)})`);
    headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  const opt = (name, flag = name) => (v[flag] === undefined ? {} : { [name]: v[flag] });
  try {
    return {
      spec: runSpec({
        url: v.url, ...opt('rate'), ...opt('concurrency'), ...opt('duration'), ...opt('requests'), ...opt('timeoutMs', 'timeout'),
        keepAlive: !v['no-keepalive'], headers, cookies: Boolean(v.cookies), ticks: Boolean(v.ticks),
      }),
    };
  } catch (e) {
    // Name the option as the user typed it: "--timeout must be…", not "timeoutMs must be…".
    throw new Error(e.message.replace(/^(\w+)/, (name) => `--${name === 'timeoutMs' ? 'timeout' : name}`));
  }
}
