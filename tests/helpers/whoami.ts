import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

/** The demo app (compose/whoami), run with the Node running the tests. */
const SERVER = fileURLToPath(new URL('../../compose/whoami/server.mjs', import.meta.url));

// The app's own variables, blanked (empty counts as unset) so the caller's cannot leak in.
const BLANK = {
  PORT: '0',
  REPLICA: '',
  SERVICE: '',
  VERSION: '',
  MODE: '',
  REDIS_URL: '',
  CONTROL_PORT: '',
  THREADS: '',
  SESSION_TTL: '',
};

const running = new Set<ChildProcess>();

/**
 * Kills `child` when the current test finishes, or, started outside a test (beforeAll), when
 * the file calls killAll() (afterAll).
 */
function owned(child: ChildProcess): void {
  running.add(child);
  child.on('exit', () => running.delete(child));
  try {
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
  } catch {
    // Not inside a test: killAll() ends it.
  }
}

export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

export interface Proc {
  child: ChildProcess;
  /** stdout lines after the ones the start-up read. */
  lines: string[];
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

/**
 * Starts server.mjs with `args` and `env`, waits for `ready` stdout lines and returns them.
 */
export async function spawnWhoami(
  args: string[],
  env: Record<string, string>,
  ready: number,
): Promise<{ proc: Proc; first: string[] }> {
  const child = spawn(process.execPath, [SERVER, ...args], {
    env: { ...process.env, ...BLANK, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  owned(child);
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout! });
  const first: string[] = [];
  await new Promise<void>((resolve, reject) => {
    if (ready === 0) resolve();
    reader.on('line', (line) => {
      if (first.length < ready) {
        first.push(line);
        if (first.length === ready) resolve();
      } else lines.push(line);
    });
    void exited.then(([code]) =>
      reject(new Error(`server.mjs ${args.join(' ')} exited (${code}) before it was ready: ${stderr.trim()}`)),
    );
  });
  return { proc: { child, lines, exited }, first };
}

export interface App extends Proc {
  port: number;
  base: string;
  controlPort: number;
  control: string;
}

/** The app on free ports: its main port and its control port, read from its first two lines. */
export async function startApp(env: Record<string, string> = {}): Promise<App> {
  const { proc, first } = await spawnWhoami([], env, 2);
  const port = Number(/^listening on (\d+)$/.exec(first[0]!)?.[1]);
  const controlPort = Number(/^control listening on (\d+)$/.exec(first[1]!)?.[1]);
  if (!port || !controlPort) throw new Error(`unexpected first lines: ${first.join(' | ')}`);
  return { ...proc, port, base: `http://127.0.0.1:${port}`, controlPort, control: `http://127.0.0.1:${controlPort}` };
}

/** Runs server.mjs to its end (e.g. a client run, or a refused start-up); stdout, stderr, exit code. */
export async function runWhoami(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [SERVER, ...args], {
    env: { ...process.env, ...BLANK, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  owned(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** A control-port call: method, path (with query), optional JSON body → status and parsed JSON. */
export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON (e.g. a 404 from the main port): keep the text.
  }
  return { status: res.status, json };
}

/** ms since `t0` (performance.now()). */
export const since = (t0: number) => performance.now() - t0;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
