import type Dockerode from 'dockerode';
import { RuntimeError } from '../core/errors.ts';
import { demux } from './engine.ts';

/**
 * The one module that talks to the demo app's control port (compose/whoami/README.md, "Control
 * port"). Compose never publishes that port, and lab never does: it runs a few lines of Node
 * inside the replica itself (the image is Node), through the Docker API's exec, which reaches
 * 127.0.0.1:<CONTROL_PORT> in the container's own network namespace. The same call works on a
 * local engine and on a remote one (ssh://, tcp://), with nothing published and no helper
 * container. The exec is not hijacked: its output is the HTTP response body, which docker-modem
 * streams over every transport (Docker Engine API, ContainerExec / ExecStart).
 */

/** Runs in the container: one request to the control port (JSON body optional), the answer as one JSON line. */
const SCRIPT = `
const [method, path, body, ms] = process.argv.slice(1);
const port = process.env.CONTROL_PORT || '8001';
const json = body ? { body, headers: { 'content-type': 'application/json' } } : {};
fetch('http://127.0.0.1:' + port + path, { method, ...json, signal: AbortSignal.timeout(Number(ms)) })
  .then(async (r) => console.log(JSON.stringify({ status: r.status, body: await r.text() })))
  .catch((e) => { console.log(JSON.stringify({ error: String(e.cause?.code || e.message) })); process.exitCode = 3; });
`;

/**
 * Runs in a client: POST /fetch for each request of a JSON array, in order, one JSON line per
 * answer (as SCRIPT prints); with cookies ("1"), the cookies each answer set go with the next
 * requests. Stops at the first request it cannot send.
 */
const SERIES_SCRIPT = `
const [list, cookies, ms] = process.argv.slice(1);
const port = process.env.CONTROL_PORT || '8001';
(async () => {
  let cookie;
  for (const r of JSON.parse(list)) {
    const body = JSON.stringify({ ...r, headers: { ...r.headers, ...(cookie ? { cookie } : {}) } });
    try {
      const res = await fetch('http://127.0.0.1:' + port + '/fetch', { method: 'POST', body, headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(Number(ms)) });
      const text = await res.text();
      console.log(JSON.stringify({ status: res.status, body: text }));
      let set;
      try { set = JSON.parse(text).headers?.['set-cookie']; } catch {}
      // A new value replaces the old one of the same name and keeps the others, as
      // core/cookie-jar.ts mergeCookies does (HAProxy's cookie and the app's session cookie).
      if (cookies && set) {
        const jar = new Map((cookie || '').split('; ').filter(Boolean).map((p) => [p.slice(0, p.indexOf('=')), p]));
        for (const c of [].concat(set)) { const p = c.split(';')[0].trim(); if (p.indexOf('=') > 0) jar.set(p.slice(0, p.indexOf('=')), p); }
        cookie = [...jar.values()].join('; ');
      }
    } catch (e) {
      console.log(JSON.stringify({ error: String(e.cause?.code || e.message) }));
      process.exitCode = 3;
      return;
    }
  }
})();
`;

export interface ControlAnswer {
  status: number;
  body: unknown;
}

export interface ControlOptions {
  /** Sent as JSON, e.g. a load run to a client's POST /runs. */
  body?: unknown;
  /** How long the request may take (default 5 s; a client's `POST /runs?wait=1` lasts the run). */
  timeoutMs?: number;
}

/** One control-port request inside a running container: `GET /faults`, `POST /faults/latency?ms=300`, a client's `POST /runs`, … */
export async function controlRequest(
  docker: Dockerode,
  containerId: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  params: Record<string, string> = {},
  o: ControlOptions = {},
): Promise<ControlAnswer> {
  const query = new URLSearchParams(params).toString();
  const target = query ? `${path}?${query}` : path;
  const raw = await execNode(docker, containerId, [
    SCRIPT,
    method,
    target,
    o.body === undefined ? '' : JSON.stringify(o.body),
    String(o.timeoutMs ?? 5000),
  ]);
  return readAnswer(raw.trim().split('\n').pop() ?? '', raw, containerId);
}

/**
 * A client's `POST /fetch` for each request, one after the other, in one exec: an exec costs a
 * Node start in the container (1-3 s each on a busy 2-core machine), and a routing or http check
 * sends several requests. With `cookies`, each request carries the cookies the answers before it
 * set, as one browser would. Ctrl-C (`signal`) stops waiting: the answers so far are returned.
 */
export async function fetchSeries(
  docker: Dockerode,
  containerId: string,
  requests: readonly unknown[],
  o: { cookies: boolean; timeoutMs: number; signal?: AbortSignal },
): Promise<unknown[]> {
  if (requests.length === 0 || o.signal?.aborted) return [];
  const raw = await execNode(
    docker,
    containerId,
    [SERIES_SCRIPT, JSON.stringify(requests), o.cookies ? '1' : '', String(o.timeoutMs)],
    o.signal,
  );
  // The script's answers, whole lines only (a Ctrl-C may cut the last); stderr (warnings) is mixed in.
  const lines = raw
    .split('\n')
    .slice(0, -1)
    .filter((l) => l.startsWith('{"'));
  if (lines.length === 0 && !o.signal?.aborted) readAnswer('', raw, containerId);
  return lines.map((line) => accepted(readAnswer(line, raw, containerId), 'POST', '/fetch'));
}

async function execNode(docker: Dockerode, containerId: string, args: string[], signal?: AbortSignal): Promise<string> {
  try {
    const exec = await docker
      .getContainer(containerId)
      .exec({ Cmd: ['node', '-e', ...args], AttachStdout: true, AttachStderr: true, Tty: false });
    const stream = (await exec.start({
      hijack: false,
      stdin: false,
      Detach: false,
      Tty: false,
    })) as NodeJS.ReadableStream;
    return demux(await collect(stream, signal));
  } catch (e) {
    throw new RuntimeError(`Could not reach ${where(containerId)}: ${(e as Error).message}`, {
      hint: 'Is the replica running? lab status <lab> shows its state',
      cause: e,
    });
  }
}

const where = (containerId: string) => `the control port of container ${containerId.slice(0, 12)}`;

/** One JSON line the scripts print: the control port's answer, or why it could not be reached. */
function readAnswer(line: string, raw: string, containerId: string): ControlAnswer {
  let answer: { status?: number; body?: string; error?: string };
  try {
    answer = JSON.parse(line);
  } catch {
    throw new RuntimeError(
      `${where(containerId)} gave no answer lab understands: ${raw.trim().slice(0, 300) || '(nothing)'}`,
      { hint: 'Does the image run compose/whoami? Only its control port takes faults' },
    );
  }
  if (answer.error !== undefined) {
    throw new RuntimeError(`Could not reach ${where(containerId)}: ${answer.error}`, {
      hint: 'The app may have its control port off (CONTROL_PORT=off) or be starting; lab logs <lab> app shows why',
    });
  }
  let body: unknown = answer.body;
  try {
    body = JSON.parse(answer.body ?? '');
  } catch {
    // a plain-text answer stays text
  }
  return { status: answer.status ?? 0, body };
}

/** The answer's body, or a RuntimeError with the app's own message unless it answered 2xx. */
function accepted(answer: ControlAnswer, method: string, path: string): unknown {
  if (answer.status < 200 || answer.status > 299) {
    const message = (answer.body as { error?: string } | null)?.error ?? JSON.stringify(answer.body);
    throw new RuntimeError(`The app refused ${method} ${path}: ${answer.status} ${message}`);
  }
  return answer.body;
}

/** The same request, and a RuntimeError with the app's own message unless it answered 2xx. */
export async function control(
  docker: Dockerode,
  containerId: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  params: Record<string, string> = {},
  o: ControlOptions = {},
): Promise<unknown> {
  return accepted(await controlRequest(docker, containerId, method, path, params, o), method, path);
}

/** The stream's bytes to its end, or to Ctrl-C (`signal`): then what came so far. */
function collect(stream: NodeJS.ReadableStream, signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onAbort = () => {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      resolve(Buffer.concat(chunks));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (c: Buffer | string) => chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c)));
    stream.on('end', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(Buffer.concat(chunks));
    });
    stream.on('error', reject);
  });
}
