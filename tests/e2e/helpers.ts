/**
 * Helpers for end-to-end tests: they run the built binary (`node dist/index.js`) against the
 * real Docker engine, each test on its own compose project, and remove everything afterwards,
 * also when the test fails (rules: /work/shared/notes/docker-on-these-machines.md §5).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { afterAll, onTestFinished } from 'vitest';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(REPO_ROOT, 'dist', 'index.js');
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** No registry here: lab's supported image substitution points the lab at local images. */
export const LOCAL_NODE = 'lab-local/node:20';
export const LOCAL_HAPROXY = 'lab-local/haproxy:3.0';
/** A real Redis for lab 06's sessions, built from Debian's redis-server by .ci/provision-engine.sh. */
const LOCAL_REDIS = 'lab-local/redis:8';
const LAB_IMAGES = `node:20-alpine=${LOCAL_NODE},haproxy:3.0=${LOCAL_HAPROXY},redis:7-alpine=${LOCAL_REDIS}`;

/** Ports where fixed ports are not under test: a developer's running lab keeps 8080/1936. */
export const AUTO_PORTS = ['--app-port', 'auto', '--stats-port', 'auto'] as const;

// ---------------------------------------------------------------------------------------------
// LAB_HOME: one temporary directory per test file (vitest isolates each file's modules).

let labHomeDir: string | undefined;
/** Created on first use (a skipped file creates none). */
export function labHome(): string {
  labHomeDir ??= mkdtempSync(join(tmpdir(), 'lab-e2e-home-'));
  return labHomeDir;
}
const removeLabHome = () => {
  if (labHomeDir) rmSync(labHomeDir, { recursive: true, force: true });
  labHomeDir = undefined;
};
// Registered while the file is collected, so it attaches to the file's root suite; the exit
// hook is the backstop when the file's suite never ran its hooks.
afterAll(removeLabHome);
process.once('exit', removeLabHome);

// ---------------------------------------------------------------------------------------------
// Running lab.

export interface LabResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** Set when the process was killed by a signal (e.g. the timeout). */
  signal?: string;
  timedOut: boolean;
  /** The command line, for failure messages. */
  command: string;
}

export interface RunOptions {
  /** Extra environment; a value of undefined removes the variable. */
  env?: Record<string, string | undefined>;
  /** Milliseconds; the process is killed after it (default 120 s). */
  timeout?: number;
  cwd?: string;
}

/** The environment lab runs with: isolated LAB_HOME, local images, no colors. */
export function labEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Nothing from the developer's shell that changes what lab does, except the engine address.
  for (const k of Object.keys(env)) if (k.startsWith('LAB_') || k === 'FORCE_COLOR') delete env[k];
  // LAB_LANG=en: lab's own lines follow the locale now, and these tests read them in English (--lang ja still wins).
  Object.assign(env, { LAB_HOME: labHome(), LAB_IMAGES, NO_COLOR: '1', LAB_LANG: 'en' });
  if (process.env.CI !== undefined) env.CI = process.env.CI;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Start lab without waiting for it (for Ctrl-C and concurrency tests). */
export function spawnLab(args: string[], opts: RunOptions = {}): ResultPromise<{ reject: false }> {
  return execa(process.execPath, [BIN, ...args], {
    env: labEnv(opts.env),
    extendEnv: false,
    reject: false,
    timeout: opts.timeout ?? 120_000,
    cwd: opts.cwd ?? REPO_ROOT,
    stdin: 'ignore',
    stripFinalNewline: false,
  }) as ResultPromise<{ reject: false }>;
}

export async function settle(child: ResultPromise<{ reject: false }>, args: string[]): Promise<LabResult> {
  const r = await child;
  return {
    exitCode: r.exitCode,
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    signal: r.signal ?? undefined,
    timedOut: Boolean(r.timedOut),
    command: `lab ${args.join(' ')}`,
  };
}

/** Run `node dist/index.js ...args` to the end. Never throws for a non-zero exit. */
export async function runLab(args: string[], opts: RunOptions = {}): Promise<LabResult> {
  return settle(spawnLab(args, opts), args);
}

/** Everything about a run, for assertion messages. */
export const describeRun = (r: LabResult): string =>
  `${r.command}\n  exit: ${r.exitCode}${r.signal ? ` (signal ${r.signal})` : ''}${r.timedOut ? ' (timed out)' : ''}\n  stdout:\n${indent(r.stdout)}\n  stderr:\n${indent(r.stderr)}`;

const indent = (s: string) =>
  s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

/** Assert an exit code and show the whole run when it differs. */
export function expectExit(r: LabResult, code: number): LabResult {
  if (r.exitCode !== code) throw new Error(`expected exit ${code}\n${describeRun(r)}`);
  return r;
}

/** The one JSON object a --json run prints on stdout (fails if stdout holds anything else). */
export function parseJson<T = any>(r: LabResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch (e) {
    throw new Error(`stdout is not exactly one JSON object (${(e as Error).message})\n${describeRun(r)}`);
  }
}

let counter = 0;
/** A compose project name no other test (or developer lab) uses. */
export const uniqueProject = (): string => `e2e-${process.pid}-${++counter}`;

// ---------------------------------------------------------------------------------------------
// Docker CLI.

export async function docker(args: string[], opts: { timeout?: number; env?: NodeJS.ProcessEnv } = {}) {
  const r = await execa('docker', args, {
    reject: false,
    timeout: opts.timeout ?? 60_000,
    env: opts.env,
    stdin: 'ignore',
  });
  return { exitCode: r.exitCode, stdout: String(r.stdout ?? '').trim(), stderr: String(r.stderr ?? '').trim() };
}

const ids = (text: string) =>
  text
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);

/** Everything on the engine carrying lab.project=<project>. */
export async function labObjects(
  project: string,
): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> {
  const filter = ['--filter', `label=lab.project=${project}`];
  const [c, n, v] = await Promise.all([
    docker(['ps', '-a', '--format', '{{.Names}}', ...filter]),
    docker(['network', 'ls', '--format', '{{.Name}}', ...filter]),
    docker(['volume', 'ls', '--format', '{{.Name}}', ...filter]),
  ]);
  for (const r of [c, n, v]) if (r.exitCode !== 0) throw new Error(`docker CLI failed: ${r.stderr}`);
  return { containers: ids(c.stdout), networks: ids(n.stdout), volumes: ids(v.stdout) };
}

/** Names of a project's containers of one compose service. */
export async function serviceContainers(
  project: string,
  service: 'app' | 'haproxy',
  running = false,
): Promise<string[]> {
  const r = await docker([
    'ps',
    ...(running ? [] : ['-a']),
    '--format',
    '{{.Names}}',
    '--filter',
    `label=lab.project=${project}`,
    '--filter',
    `label=com.docker.compose.service=${service}`,
  ]);
  if (r.exitCode !== 0) throw new Error(`docker ps failed: ${r.stderr}`);
  return ids(r.stdout).sort();
}

/** Backstop: remove a project's containers, networks and volumes by label with the docker CLI. */
export async function removeByLabel(project: string): Promise<void> {
  const filter = ['--filter', `label=lab.project=${project}`];
  // A paused container cannot be stopped cleanly; unpause first.
  const paused = ids((await docker(['ps', '-q', '--filter', 'status=paused', ...filter])).stdout);
  if (paused.length) await docker(['unpause', ...paused]);
  const containers = ids((await docker(['ps', '-aq', ...filter])).stdout);
  if (containers.length) await docker(['rm', '-f', '-v', ...containers]);
  const networks = ids((await docker(['network', 'ls', '-q', ...filter])).stdout);
  if (networks.length) await docker(['network', 'rm', ...networks]);
  const volumes = ids((await docker(['volume', 'ls', '-q', ...filter])).stdout);
  if (volumes.length) await docker(['volume', 'rm', '-f', ...volumes]);
}

/**
 * Register the removal of a lab project when the current test finishes, passed or failed:
 * `lab down`, then the docker CLI as a backstop. Call it BEFORE starting the lab.
 */
export function cleanupLab(
  lab: string,
  project: string,
  opts: { env?: Record<string, string | undefined>; after?: () => Promise<unknown> } = {},
): void {
  onTestFinished(async () => {
    try {
      const filter = ['--filter', `label=lab.project=${project}`, '--filter', 'status=paused'];
      const paused = ids((await docker(['ps', '-q', ...filter])).stdout);
      if (paused.length) await docker(['unpause', ...paused]);
      await runLab(['down', lab, '--project', project], { env: opts.env, timeout: 60_000 }).catch(() => undefined);
    } finally {
      await removeByLabel(project);
      await opts.after?.();
    }
  }, 90_000);
}

/** The engine address the developer's docker CLI uses (DOCKER_HOST, else the current context). */
export function engineHost(): string {
  if (process.env.DOCKER_HOST) return process.env.DOCKER_HOST;
  const r = spawnSync('docker', ['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : 'unix:///var/run/docker.sock';
}

/** Absolute path of the real docker CLI. */
export function dockerPath(): string {
  const r = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' });
  const path = r.stdout.trim();
  if (!path.startsWith('/')) throw new Error('docker CLI not found on PATH');
  return path;
}

// ---------------------------------------------------------------------------------------------
// Docker availability: a missing engine must fail CI, and is skipped visibly elsewhere.

export interface DockerState {
  ok: boolean;
  reason: string;
}

let dockerState: DockerState | undefined;

export function requireDocker(): DockerState {
  if (dockerState) return dockerState;
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 20_000 });
  let reason = '';
  if (info.error || info.status !== 0) {
    reason = `no Docker engine: docker info failed (${(info.error?.message ?? info.stderr ?? '').trim().split('\n')[0]})`;
  } else {
    const images = spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', LOCAL_NODE, LOCAL_HAPROXY], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (images.status !== 0)
      reason = `local images ${LOCAL_NODE} and ${LOCAL_HAPROXY} are missing (run .ci/provision-engine.sh)`;
    else if (!existsSync(BIN)) reason = `${BIN} is missing (run npm run build)`;
  }
  const ci = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase());
  if (reason && ci) {
    throw new Error(`End-to-end tests need a Docker engine in CI: ${reason}`);
  }
  if (reason) console.warn(`[e2e] skipping end-to-end tests: ${reason}`);
  dockerState = { ok: !reason, reason };
  return dockerState;
}

/** Suffix for a describe title that shows why it is skipped. */
export const skipNote = (s: DockerState) => (s.ok ? '' : ` (skipped: ${s.reason})`);

// ---------------------------------------------------------------------------------------------
// Network.

/** A port that is free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Rewrite a URL lab prints (http://localhost:N/) to loopback by address: traffic stays on 127.0.0.1. */
export function loopback(url: string): URL {
  const u = new URL(url);
  if (u.hostname !== 'localhost' && u.hostname !== '127.0.0.1')
    throw new Error(`refusing to send traffic to ${url}: not loopback`);
  u.hostname = '127.0.0.1';
  return u;
}

export interface Hit {
  status: number;
  servedBy?: string;
  replica?: string;
  body: string;
}

/** One GET with `connection: close` to 127.0.0.1. */
export function get(url: string, opts: { timeoutMs?: number; auth?: string } = {}): Promise<Hit> {
  const u = loopback(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(u.port),
        path: `${u.pathname}${u.search}`,
        method: 'GET',
        agent: false,
        headers: {
          connection: 'close',
          ...(opts.auth ? { authorization: `Basic ${Buffer.from(opts.auth).toString('base64')}` } : {}),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          const header = res.headers['x-served-by'];
          resolve({
            status: res.statusCode ?? 0,
            servedBy: Array.isArray(header) ? header[0] : header,
            replica: /^replica: (\S+)$/m.exec(body)?.[1],
            body,
          });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(opts.timeoutMs ?? 5000, () => req.destroy(new Error(`GET ${u.href} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

export interface Tally {
  statuses: Record<number, number>;
  servedBy: Record<string, number>;
  replicas: Record<string, number>;
  errors: string[];
}

/** n sequential requests; counts the X-Served-By header and the app's `replica:` line. */
export async function hitApp(url: string, n: number): Promise<Tally> {
  const t: Tally = { statuses: {}, servedBy: {}, replicas: {}, errors: [] };
  for (let i = 0; i < n; i++) {
    try {
      const h = await get(url);
      t.statuses[h.status] = (t.statuses[h.status] ?? 0) + 1;
      if (h.servedBy) t.servedBy[h.servedBy] = (t.servedBy[h.servedBy] ?? 0) + 1;
      if (h.replica) t.replicas[h.replica] = (t.replicas[h.replica] ?? 0) + 1;
    } catch (e) {
      t.errors.push((e as Error).message);
    }
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Small utilities.

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll fn until it returns a truthy value or the time is up; returns the last value. */
export async function poll<T>(
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs: number,
  everyMs = 300,
): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() - t0 > timeoutMs) return v;
    await sleep(everyMs);
  }
}

/** Wait until a running child's stream contains a pattern (or the time is up). */
export function waitForOutput(
  stream: NodeJS.ReadableStream | null | undefined,
  pattern: RegExp,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!stream) return reject(new Error('no stream'));
    let text = '';
    const timer = setTimeout(() => {
      stream.off('data', onData);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}; saw:\n${text}`));
    }, timeoutMs);
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        stream.off('data', onData);
        resolve(text);
      }
    };
    stream.on('data', onData);
  });
}

// eslint-disable-next-line no-control-regex
export const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/;

/** Run a step and prefix its failure with the step's name. */
export async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof Error) e.message = `[${name}] ${e.message}`;
    throw e;
  }
}

/** What labObjects finds of a project that left nothing behind. */
export const NOTHING = { containers: [], networks: [], volumes: [] };

/** A temporary directory removed when the test finishes. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Start lab 03 (auto ports, cleanup registered first) and return its URLs. */
export async function up03(project: string, extra: string[] = []): Promise<{ app: string; stats: string }> {
  cleanupLab('03', project);
  const r = expectExit(await runLab(['up', '03', '--project', project, ...AUTO_PORTS, ...extra, '--json']), 0);
  return parseJson<{ urls: { app: string; stats: string } }>(r).urls;
}
