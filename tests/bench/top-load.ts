/**
 * The bench's `top` and `load` parts (issue 13's figures): how long `lab top` takes to draw a
 * frame of 50 servers (the pure core/top-frame.ts, many frames), how soon its one-line mode
 * shows a server's state change after HAProxy's stats have it (the runtime API sets the state,
 * this file polls the stats every 20 ms to time the change), and the highest request rate
 * `lab load` sustains through HAProxy with the demo app (stepped rates, lab 03, from this
 * machine: lab 03 has no clients).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStatsCsv } from '../../src/core/haproxy-stats.ts';
import type { Palette } from '../../src/core/palette.ts';
import { renderFrame, type ReplicaView, topSnapshot } from '../../src/core/top-frame.ts';
import { json, type Metric, type Timed } from './measure.ts';

export interface TopLoadContext {
  root: string;
  project: string;
  quick: boolean;
  env: NodeJS.ProcessEnv;
  bin: string;
  lab: (args: string[], ok?: number[]) => Promise<Timed>;
  docker: (args: string[]) => Promise<Timed>;
  step: (msg: string) => void;
  metric: (m: Metric) => Metric;
}

/** The p-th percentile (nearest rank) of samples. */
function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

const sgr = (on: number, off: number) => (s: string) => `\x1b[${on}m${s}\x1b[${off}m`;
const ANSI: Palette = {
  green: sgr(32, 39),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
  dim: sgr(2, 22),
  bold: sgr(1, 22),
};

/** A stats CSV of 50 servers (the app1 row of a real HAProxy 3.0 answer, renamed, in every state), and 50 replicas behind them. */
function fiftyServers(root: string): { csv: string; replicas: ReplicaView[] } {
  const lines = readFileSync(join(root, 'tests/fixtures/stats/haproxy-3.0-http.csv'), 'utf8').trim().split('\n');
  const app1 = lines.find((l) => l.startsWith('app,app1,'))!;
  const states = ['UP', 'UP', 'UP', 'DOWN', 'DRAIN', 'MAINT', 'UP 1/2'];
  const rows = Array.from({ length: 50 }, (_, i) =>
    app1
      .replace(/^app,app1,/, `app,app${i + 1},`)
      .replace(',UP,', `,${states[i % states.length]},`)
      .replace('127.0.0.1:24101', `10.0.${Math.floor(i / 200)}.${(i % 200) + 2}:8000`),
  );
  const replicas = Array.from(
    { length: 50 },
    (_, i): ReplicaView => ({
      replica: `app/${i + 1}`,
      container: `p-app-${i + 1}`,
      ip: `10.0.${Math.floor(i / 200)}.${(i % 200) + 2}`,
      faults: i % 9 === 0 ? ['latency 250 ms'] : [],
    }),
  );
  return { csv: [...lines.filter((l) => !l.startsWith('app,app')), ...rows].join('\n'), replicas };
}

/** `lab top`'s frame: CPU time of stats CSV → snapshot → frame for 50 servers, and of the frame alone. */
function frameTimes(ctx: TopLoadContext): void {
  const { csv, replicas } = fiftyServers(ctx.root);
  const frames = ctx.quick ? 300 : 2000;
  ctx.step(`lab top: ${frames} frames of 50 servers`);
  const full: number[] = [];
  const drawOnly: number[] = [];
  const snap = topSnapshot('p', new Date(), parseStatsCsv(csv), replicas);
  for (let i = 0; i < 50; i++) renderFrame(snap, { width: 120, c: ANSI }); // warm the JIT
  for (let i = 0; i < frames; i++) {
    const t0 = performance.now();
    const s = topSnapshot('p', new Date(), parseStatsCsv(csv), replicas);
    const t1 = performance.now();
    renderFrame(s, { width: 120, c: ANSI });
    const t2 = performance.now();
    full.push(t2 - t0);
    drawOnly.push(t2 - t1);
  }
  // The target is the draw (renderFrame, a pure function of the snapshot); parsing the CSV and
  // building the snapshot come before it in every refresh, shown apart.
  ctx.metric({
    id: 'top.frame50.ms',
    label: 'lab top: drawing a frame of 50 servers (renderFrame), median',
    unit: 'ms',
    samples: drawOnly,
    max: 5,
  });
  ctx.metric({
    id: 'top.frame50.p95',
    label: '  p95 of the same frames',
    unit: 'ms',
    samples: [],
    value: percentile(drawOnly, 95),
    max: 5,
  });
  ctx.metric({
    id: 'top.refreshCpu50.ms',
    label: '  stats CSV to drawn frame (parse, snapshot, draw), median',
    unit: 'ms',
    samples: full,
  });
  ctx.metric({
    id: 'top.refreshCpu50.p95',
    label: '  p95 of the same',
    unit: 'ms',
    samples: [],
    value: percentile(full, 95),
  });
}

interface Up {
  urls: { stats: string };
  stats: { user: string; password: string };
}

/** lab 03 with 3 replicas on Docker-assigned ports: what both parts of this bench start. */
const upArgs = (ctx: TopLoadContext) => [
  'up',
  '03',
  '--project',
  ctx.project,
  '-n',
  '3',
  '--app-port',
  'auto',
  '--stats-port',
  'auto',
  '--timeout',
  '180',
  '--json',
];

/** Seconds from HAProxy's stats showing a server's new state to `lab top`'s one-line mode showing it. */
async function refreshTimes(ctx: TopLoadContext): Promise<void> {
  const up = json<Up>(await ctx.lab(upArgs(ctx)));
  const haproxy = (
    await ctx.docker([
      'ps',
      '-q',
      '--filter',
      `label=lab.project=${ctx.project}`,
      '--filter',
      'label=com.docker.compose.service=haproxy',
    ])
  ).stdout
    .trim()
    .split('\n')[0]!;
  const auth = `Basic ${Buffer.from(`${up.stats.user}:${up.stats.password}`).toString('base64')}`;
  const statusOf = async (server: string) => {
    const res = await fetch(
      `${up.urls.stats.replace('//localhost:', '//127.0.0.1:').replace(/\/$/, '')}/;csv;norefresh`,
      { headers: { authorization: auth } },
    );
    return parseStatsCsv(await res.text())
      .find((r) => r.pxname === 'app' && r.svname === server)
      ?.status.trim();
  };
  // lab top without a terminal: one line per refresh, each stamped here as it arrives.
  const top = spawn('node', [ctx.bin, 'top', '03', '--project', ctx.project], {
    env: ctx.env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const seen: { at: number; line: string }[] = [];
  let buf = '';
  top.stdout.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    for (const line of parts) seen.push({ at: performance.now(), line });
  });
  const rounds = ctx.quick ? 4 : 8;
  const samples: number[] = [];
  try {
    while (seen.length < 2) await sleep(100);
    for (let i = 0; i < rounds; i++) {
      const [state, shown] = i % 2 === 0 ? ['maint', 'MAINT'] : ['ready', 'UP'];
      ctx.step(`lab top refresh ${i + 1}/${rounds}: set server app/app1 state ${state}`);
      await sleep(Math.random() * 1000); // no phase lock with top's 1 s cadence
      const command = `exec 3<>/dev/tcp/127.0.0.1/9999 && printf '%s\\n' 'set server app/app1 state ${state}' >&3 && cat <&3`;
      const setting = ctx.docker(['exec', haproxy, 'bash', '-c', command]);
      let changedAt: number | undefined;
      const giveUp = performance.now() + 15_000;
      while (changedAt === undefined && performance.now() < giveUp) {
        if ((await statusOf('app1').catch(() => undefined)) === shown) changedAt = performance.now();
        else await sleep(20);
      }
      await setting;
      if (changedAt === undefined)
        throw new Error(`HAProxy's stats did not show app1 ${shown} within 15 s of set server … state ${state}`);
      const deadline = changedAt + 10_000;
      let shownAt: number | undefined;
      while (shownAt === undefined && performance.now() < deadline) {
        shownAt = seen.find((s) => s.at >= changedAt! && new RegExp(`\\bapp1 ${shown}\\b`).test(s.line))?.at;
        if (shownAt === undefined) await sleep(10);
      }
      samples.push(shownAt === undefined ? 10_000 : shownAt - changedAt);
    }
  } finally {
    top.kill('SIGINT');
  }
  ctx.metric({
    id: 'top.refresh.ms',
    label: 'lab top: stats change to the line showing it, median',
    unit: 'ms',
    samples,
    max: 1100,
  });
  ctx.metric({
    id: 'top.refresh.worst',
    label: '  the slowest of them',
    unit: 'ms',
    samples: [],
    value: Math.max(...samples),
    max: 1100,
  });
}

interface LoadJson {
  sent: number;
  failed: number;
  failures: Record<string, number>;
  durationMs: number;
  latencyMs: { p50: number; p95: number };
}

/**
 * `lab load` at rising rates until it falls behind or fails: the highest rate it sustained. A
 * step that misses is run once more before the run stops: on a machine shared with other test
 * runs one hiccup is not the limit.
 */
async function loadSteps(ctx: TopLoadContext): Promise<void> {
  const rates = ctx.quick ? [500, 1000, 2000] : [500, 1000, 1500, 2000, 3000, 4000];
  const seconds = ctx.quick ? 4 : 8;
  let best = 0;
  let bestAchieved = 0;
  const once = async (rate: number, attempt: number) => {
    ctx.step(`lab load 03 --rate ${rate} --duration ${seconds}${attempt ? ' (again)' : ''}`);
    const r = json<LoadJson>(
      await ctx.lab(
        ['load', '03', '--project', ctx.project, '--rate', String(rate), '--duration', String(seconds), '--json'],
        [0, 1],
      ),
    );
    const achieved = r.sent / (r.durationMs / 1000);
    const kept = achieved >= 0.95 * rate && (r.sent ? r.failed / r.sent : 1) <= 0.001;
    const causes = Object.entries(r.failures)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    ctx.metric({
      id: `load.step${rate}${attempt ? '.again' : ''}`,
      label: `  lab load --rate ${rate}${attempt ? ' (again)' : ''}: requests/s sent (${r.failed} failed${causes ? `: ${causes}` : ''}, p95 ${Math.round(r.latencyMs.p95)} ms)${kept ? '' : ', not sustained'}`,
      unit: 'n',
      samples: [achieved],
    });
    bestAchieved = Math.max(bestAchieved, achieved);
    return kept;
  };
  for (const rate of rates) {
    if (!(await once(rate, 0)) && !(await once(rate, 1))) break;
    best = rate;
  }
  ctx.metric({
    id: 'load.sustained',
    label: 'lab load: highest rate sustained (≥95% sent, ≤0.1% failed)',
    unit: 'n',
    samples: [],
    value: best,
    min: 1000,
  });
  ctx.metric({
    id: 'load.maxAchieved',
    label: '  the most requests/s any step sent',
    unit: 'n',
    samples: [],
    value: bestAchieved,
  });
}

export async function benchTopLoad(ctx: TopLoadContext, parts: { top: boolean; load: boolean }): Promise<void> {
  if (parts.top) frameTimes(ctx);
  if (!parts.top && !parts.load) return;
  try {
    if (parts.top) await refreshTimes(ctx);
    else await ctx.lab(upArgs(ctx));
    // Let the lab settle after top's state changes (app1 back from maint) before loading it.
    if (parts.load) await sleep(3000);
    if (parts.load) await loadSteps(ctx);
  } finally {
    await ctx.lab(['down', '03', '--project', ctx.project, '--json']).catch(() => undefined);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
