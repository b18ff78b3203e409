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
export async function controlRequest(docker: Dockerode, containerId: string, method: 'GET' | 'POST' | 'DELETE', path: string, params: Record<string, string> = {}, o: ControlOptions = {}): Promise<ControlAnswer> {
  const query = new URLSearchParams(params).toString();
  const target = query ? `${path}?${query}` : path;
  const where = `the control port of container ${containerId.slice(0, 12)}`;
  let raw: string;
  try {
    const exec = await docker.getContainer(containerId).exec({ Cmd: ['node', '-e', SCRIPT, method, target, o.body === undefined ? '' : JSON.stringify(o.body), String(o.timeoutMs ?? 5000)], AttachStdout: true, AttachStderr: true, Tty: false });
    const stream = (await exec.start({ hijack: false, stdin: false, Detach: false, Tty: false })) as NodeJS.ReadableStream;
    raw = demux(await collect(stream));
  } catch (e) {
    throw new RuntimeError(`Could not reach ${where}: ${(e as Error).message}`, { hint: 'Is the replica running? lab status <lab> shows its state', cause: e });
  }
  const line = raw.trim().split('\n').pop() ?? '';
  let answer: { status?: number; body?: string; error?: string };
  try {
    answer = JSON.parse(line);
  } catch {
    throw new RuntimeError(`${where} gave no answer lab understands: ${raw.trim().slice(0, 300) || '(nothing)'}`, { hint: 'Does the image run compose/whoami? Only its control port takes faults' });
  }
  if (answer.error !== undefined) {
    throw new RuntimeError(`Could not reach ${where}: ${answer.error}`, { hint: 'The app may have its control port off (CONTROL_PORT=off) or be starting; lab logs <lab> app shows why' });
  }
  let body: unknown = answer.body;
  try {
    body = JSON.parse(answer.body ?? '');
  } catch {
    // a plain-text answer stays text
  }
  return { status: answer.status ?? 0, body };
}

/** The same request, and a RuntimeError with the app's own message unless it answered 2xx. */
export async function control(docker: Dockerode, containerId: string, method: 'GET' | 'POST' | 'DELETE', path: string, params: Record<string, string> = {}, o: ControlOptions = {}): Promise<unknown> {
  const answer = await controlRequest(docker, containerId, method, path, params, o);
  if (answer.status < 200 || answer.status > 299) {
    const message = (answer.body as { error?: string } | null)?.error ?? JSON.stringify(answer.body);
    throw new RuntimeError(`The app refused ${method} ${path}: ${answer.status} ${message}`);
  }
  return answer.body;
}

function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer | string) => chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c)));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
