// Small HTTP helpers shared by the app, its control port and the client's control port.

/** A request the caller got wrong: answered with `status` and the message, never a stack. */
export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function send(res, status, body, type = 'text/plain; charset=utf-8', headers = {}) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}

export const sendJson = (res, status, value, headers = {}) =>
  send(res, status, JSON.stringify(value) + '\n', 'application/json', headers);

/** The request body as text; bodies over `limit` bytes are refused (413). */
export function readBody(req, limit = 64 * 1024) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > limit) {
        reject(new HttpError(413, `body over ${limit} bytes`));
        req.destroy();
      }
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/** A JSON object body ({} when empty); anything else is a 400 that says what was wrong. */
export async function readJson(req) {
  const text = (await readBody(req)).trim();
  if (text === '') return {};
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, `body is not JSON: ${e.message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, 'body must be a JSON object');
  return value;
}

/** Parameters from the query string, overridden by a JSON body: curl-friendly and lab-friendly. */
export async function readParams(req, url) {
  return { ...Object.fromEntries(url.searchParams), ...(await readJson(req)) };
}

/**
 * A number parameter within bounds, or a 400 naming the parameter and its range. Strings are
 * accepted because query parameters are strings. Pure.
 */
export function num(params, name, { min, max, integer = false, fallback }) {
  const raw = params[name];
  if (raw === undefined || raw === '') {
    if (fallback === undefined) throw new HttpError(400, `${name} is required (${range(min, max, integer)})`);
    return fallback;
  }
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new HttpError(400, `${name} must be ${range(min, max, integer)}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

const range = (min, max, integer) => `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`;

/** Refuses parameters a route does not take, so a typo (`fro=10`) is not silently ignored. Pure. */
export function onlyParams(params, allowed, what) {
  const unknown = Object.keys(params).filter((k) => !allowed.includes(k));
  if (unknown.length) {
    throw new HttpError(400, `unknown parameter ${unknown.join(', ')}: ${what} takes ${allowed.length ? allowed.join(', ') : 'no parameters'}`);
  }
}

/** Runs a route handler; an HttpError becomes its answer, anything else a 500 with the message. */
export function guarded(handler) {
  return (req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((e) => {
        if (res.headersSent) return res.destroy();
        const status = e instanceof HttpError ? e.status : 500;
        sendJson(res, status, { error: e.message });
      });
  };
}
