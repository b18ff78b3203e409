/**
 * Small helpers for the benchmark: time a child process by the wall clock, as a user waiting
 * for it would, and summarize samples. No test framework: the bench prints numbers.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Timed {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
}

/** One figure of the bench: its samples, and the target it is held to. */
export interface Metric {
  id: string;
  label: string;
  unit: 'ms' | 'x' | 'n';
  samples: number[];
  /** Pass when the median (or `value`) is at most this; no target means information only. */
  max?: number;
  /** Pass when it is at least this (a rate to reach). */
  min?: number;
  /** Overrides the median, e.g. a ratio of two medians. */
  value?: number;
}

let current: ChildProcess | undefined;
let interrupted = false;

/** Ctrl-C: pass it on to the running child (so lab stops cleanly) and refuse to start others. */
export function interrupt(): void {
  interrupted = true;
  current?.kill('SIGINT');
}

/** Run a command and time it from spawn to exit (performance.now around the child). */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  if (interrupted) return Promise.reject(new Error('interrupted'));
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // Own process group: a Ctrl-C reaches the bench only, which passes exactly one SIGINT on
    // (two would make lab quit at once instead of cleaning up).
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    current = child;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      current = undefined;
      resolve({ ms, code, stdout, stderr });
    });
  });
}

/** Like timed, but a non-zero exit is an error carrying the command's last words. */
export async function must(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  okCodes: number[] = [0],
): Promise<Timed> {
  const r = await timed(cmd, args, env);
  if (r.code === null || !okCodes.includes(r.code)) {
    const tail = (r.stderr || r.stdout).trim().split('\n').slice(-8).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}${interrupted ? ' (interrupted)' : ''}\n${tail}`);
  }
  return r;
}

/** The one JSON object a `lab --json` command prints on stdout. */
export function json<T>(r: Timed): T {
  return JSON.parse(r.stdout) as T;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarize(xs: number[]): Summary {
  return { n: xs.length, median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/** Progress goes to stderr; stdout holds only the table. */
export const progress = (msg: string): void =>
  void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

/** A plain text table with right-aligned numbers. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
