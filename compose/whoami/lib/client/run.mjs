// One load run: sends requests as its spec says and tallies what came back.
import http from 'node:http';
import { Tally } from './stats.mjs';

/**
 * Starts a run. `onTick` gets a tick per second (and one for the last part second).
 * Returns { done: Promise<summary>, stop(): Promise<summary>, snapshot(): summary so far }.
 */
export function startRun(spec, { onTick = () => {} } = {}) {
  const agent = spec.keepAlive ? new http.Agent({ keepAlive: true, maxSockets: spec.concurrency }) : null;
  const total = new Tally();
  let second = new Tally();
  const jar = new Map();
  const t0 = performance.now();
  const deadline = spec.duration === null ? Infinity : t0 + spec.duration * 1000;
  let launched = 0;
  let inFlight = 0;
  let skipped = 0;
  let stopping = false;
  let finished = null;
  let resolveDone;
  const done = new Promise((resolve) => { resolveDone = resolve; });

  const canLaunch = () => !stopping && (spec.requests === null || launched < spec.requests) && performance.now() < deadline;
  const summary = () => ({
    type: 'summary',
    url: spec.url,
    ...total.summary(performance.now() - t0),
    inFlight,
    skipped,
    concurrency: spec.concurrency,
    rate: spec.rate,
    keepAlive: spec.keepAlive,
  });

  const ticker = setInterval(() => {
    onTick(second.tick((performance.now() - t0) / 1000));
    second = new Tally();
  }, 1000);

  function finishIfDone() {
    if (finished || canLaunch() || inFlight > 0) return;
    clearInterval(ticker);
    clearTimeout(pumpTimer);
    if (second.sent) onTick(second.tick((performance.now() - t0) / 1000));
    agent?.destroy();
    finished = summary();
    resolveDone(finished);
  }

  function one() {
    launched += 1;
    inFlight += 1;
    const cookie = jar.size ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
    return get(spec, agent, cookie).then((r) => {
      inFlight -= 1;
      total.record(r);
      second.record(r);
      if (spec.cookies) for (const c of r.setCookie ?? []) {
        const pair = c.split(';')[0];
        const eq = pair.indexOf('=');
        if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
    });
  }

  // Closed loop: each worker sends its next request when the last one is answered.
  const worker = () => (canLaunch() ? one().then(worker) : finishIfDone());

  // Open loop: requests leave on schedule; when `concurrency` are already in flight, the
  // scheduled one is skipped (counted), so a slow server cannot quietly lower the rate.
  let pumpTimer = null;
  let nextAt = 0;
  function pump() {
    const now = performance.now();
    while (nextAt <= now && canLaunch()) {
      if (inFlight < spec.concurrency) one().then(finishIfDone);
      else skipped += 1;
      nextAt += 1000 / spec.rate;
    }
    if (!canLaunch()) return finishIfDone();
    pumpTimer = setTimeout(pump, Math.min(Math.max(nextAt - performance.now(), 0), 50, deadline - performance.now()));
  }

  const begin = () => {
    if (spec.rate === null) for (let i = 0; i < spec.concurrency; i++) worker();
    else {
      nextAt = performance.now();
      pump();
    }
    finishIfDone();
  };
  // Like a browser that loads the page before fetching in parallel: with cookies the first
  // request goes alone, so every later one carries what its answer set (e.g. HAProxy's
  // sticky cookie), instead of `concurrency` first requests each getting a different one.
  if (spec.cookies && canLaunch()) one().then(begin);
  else begin();

  return {
    done,
    snapshot: () => finished ?? summary(),
    stop() {
      stopping = true;
      finishIfDone();
      return done;
    },
  };
}

/** One GET; resolves (never rejects) with what happened. */
function get(spec, agent, cookie) {
  return new Promise((resolve) => {
    const started = performance.now();
    // Without an agent Node sends Connection: close itself.
    const headers = { ...spec.headers };
    if (cookie) headers.cookie = cookie;
    let connected = false;
    let timedOut = false;
    let settled = false;
    const settle = (r) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, ms: performance.now() - started });
    };
    const failed = (e) => settle({
      status: 0,
      // A request that never got a connection failed to connect, timed out or not.
      cause: !connected ? 'connect' : timedOut ? 'timeout' : 'other',
      error: timedOut ? `no answer within ${spec.timeoutMs} ms` : e.code ?? e.message,
    });
    const req = http.request(spec.url, { agent: agent ?? false, headers });
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new Error('timeout'));
    }, spec.timeoutMs);
    req.on('socket', (socket) => {
      if (!socket.connecting) connected = true;
      else socket.once('connect', () => { connected = true; });
    });
    req.on('response', (res) => {
      res.on('data', () => {});
      res.on('error', failed);
      res.on('aborted', () => failed(new Error('answer cut short')));
      res.on('end', () => settle({
        status: res.statusCode ?? 0,
        app: header(res, 'x-app'),
        servedBy: header(res, 'x-served-by'),
        session: header(res, 'x-session'),
        setCookie: res.headers['set-cookie'],
      }));
    });
    req.on('error', failed);
    req.end();
  });
}

const header = (res, name) => {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
};
