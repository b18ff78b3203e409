/**
 * `npm run bench`: time lab's commands on the local Docker engine, as a user would experience
 * them (the real binary, wall clock around the child), next to raw `docker compose` on the same
 * rendered files. Prints a table on stdout, progress on stderr, and writes every sample to
 * tests/bench/results/latest.json. Everything it starts is removed at the end, on failure and
 * on Ctrl-C. Knobs: BENCH_REPS (up/down/check, default 5), BENCH_SCALE_REPS (3), BENCH_DRILL_REPS
 * (failover drills, 3), BENCH_TEST_REPS (lab test, 2), BENCH_CURVE (replica counts, "1,10,25,50,100").
 * Quick mode (`npm run bench -- --quick` or BENCH_QUICK=1): fewer samples and a curve to 25.
 * BENCH_ONLY=cli,up,scale,failover,rollout,top,load,verdict,curve,test,swarm runs only those parts (to iterate
 * on one figure; top and load: tests/bench/top-load.ts). swarm (tests/bench/swarm.ts, root only,
 * BENCH_SWARM_REPS, default 3) runs only when named: it brings up the 3-node test swarm of
 * tests/swarm/harness.sh.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { interrupt, json, type Metric, median, must, progress, summarize, table } from './measure.ts';
import { type CurvePoint, curveRows, type DrillEvent, drillTimes, slope } from './scenarios.ts';
import { benchSwarm } from './swarm.ts';
import { benchTopLoad } from './top-load.ts';
import { benchVerdict } from './verdict.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist', 'index.js');
const OUT_FILE = join(ROOT, 'tests', 'bench', 'results', 'latest.json');
const count = (name: string, fallback: number) => Math.max(1, Number(process.env[name] ?? fallback) || fallback);
const QUICK = process.argv.includes('--quick') || Boolean(process.env.BENCH_QUICK);
const REPS = count('BENCH_REPS', QUICK ? 2 : 5);
const SCALE_REPS = count('BENCH_SCALE_REPS', QUICK ? 1 : 3);
const DRILL_REPS = count('BENCH_DRILL_REPS', QUICK ? 1 : 3);
const TEST_REPS = count('BENCH_TEST_REPS', QUICK ? 1 : 2);
const CURVE = (process.env.BENCH_CURVE ?? (QUICK ? '1,10,25' : '1,10,25,50,100'))
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const CLI_RUNS = QUICK ? 5 : 10;
const ONLY = process.env.BENCH_ONLY?.split(',');
const runs = (part: string) => !ONLY || ONLY.includes(part);
const SWARM_REPS = count('BENCH_SWARM_REPS', QUICK ? 1 : 3);

const PROJECT = `bench-${process.pid}`;
const RAW = `bench-raw-${process.pid}`;
const ROLLOUT = `bench-rollout-${process.pid}`;
const TOPLOAD = `bench-topload-${process.pid}`;
const VERDICT = `bench-verdict-${process.pid}`;
const LAB_HOME = mkdtempSync(join(os.tmpdir(), 'lab-bench-home-'));
const env: NodeJS.ProcessEnv = { ...process.env, LAB_HOME, NO_COLOR: '1' };
for (const k of Object.keys(env)) if (k.startsWith('LAB_') && k !== 'LAB_HOME') delete env[k];
env.LAB_IMAGES = process.env.LAB_IMAGES ?? 'node:20-alpine=lab-local/node:20,haproxy:3.0=lab-local/haproxy:3.0';

const metrics: Metric[] = [];
const metric = (m: Metric): Metric => (metrics.push(m), m);
/** Progress, with the 1-minute load average at each step: other users of the engine show up here. */
const loads: number[] = [];
const step = (msg: string) => {
  loads.push(+os.loadavg()[0]!.toFixed(2));
  progress(`${msg} (load ${loads.at(-1)})`);
};

const lab = (args: string[], ok?: number[]) => must('node', [BIN, ...args], env, ok);
const docker = (args: string[]) => must('docker', args, env);
const text = (cmd: string, args: string[]) => spawnSync(cmd, args, { env, encoding: 'utf8' }).stdout?.trim() ?? '';
const lines = (s: string) => s.split('\n').filter(Boolean);
const AUTO = ['--app-port', 'auto', '--stats-port', 'auto'];

interface UpJson {
  workspace: string;
  timingsMs: { composeMs: number; readyMs: number; totalMs: number };
}
const renderRaw = async (replicas: number) => {
  const r = json<{ workspace: string }>(
    await lab(['render', '03', '--project', RAW, '-n', String(replicas), ...AUTO, '--json']),
  );
  return ['compose', '-p', RAW, '-f', join(r.workspace, 'compose.yaml')];
};
const labUp = async (replicas: number) => {
  const r = await lab([
    'up',
    '03',
    '--project',
    PROJECT,
    '-n',
    String(replicas),
    ...AUTO,
    '--timeout',
    '180',
    '--json',
  ]);
  return { ms: r.ms, ...json<UpJson>(r) };
};
const labDown = () => lab(['down', '03', '--project', PROJECT, '--json']);

/** Remove everything the bench may have started: lab down, then by label as a backstop. Sync, for exit paths. */
function cleanup(): void {
  for (const p of [PROJECT, RAW, ROLLOUT, TOPLOAD, VERDICT]) {
    spawnSync('node', [BIN, 'down', '03', '--project', p], { env, stdio: 'ignore' });
    const ids = lines(text('docker', ['ps', '-aq', '--filter', `label=lab.project=${p}`]));
    if (ids.length) spawnSync('docker', ['rm', '-f', '-v', ...ids], { stdio: 'ignore' });
    const nets = lines(text('docker', ['network', 'ls', '-q', '--filter', `label=lab.project=${p}`]));
    if (nets.length) spawnSync('docker', ['network', 'rm', ...nets], { stdio: 'ignore' });
  }
  rmSync(LAB_HOME, { recursive: true, force: true });
}

function environment() {
  const [engine, api] = text('docker', ['version', '--format', '{{.Server.Version}} {{.Server.APIVersion}}']).split(
    ' ',
  );
  const others = lines(text('docker', ['ps', '-q'])).length;
  return {
    machine: {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
      os: `${os.type()} ${os.release()}`,
      node: process.version,
    },
    versions: {
      engine,
      api,
      dockerClient: text('docker', ['version', '--format', '{{.Client.Version}}']),
      compose: text('docker', ['compose', 'version', '--short']),
      haproxy: '?',
    },
    git: {
      commit: text('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']),
      dirty: text('git', ['-C', ROOT, 'status', '--porcelain']).length > 0,
    },
    load: { loadavgAtStart: os.loadavg().map((x) => +x.toFixed(2)), otherContainersRunningAtStart: others },
  };
}

async function main() {
  const envInfo = environment();
  progress(
    `machine: ${envInfo.machine.cores} cores, ${envInfo.machine.memoryGiB} GiB; engine ${envInfo.versions.engine}, compose ${envInfo.versions.compose}; ${envInfo.load.otherContainersRunningAtStart} other container(s) running`,
  );

  // 1. CLI start-up: one warm-up run each (file cache), then CLI_RUNS timed runs. Bare Node's
  // own start-up is the floor under every lab command.
  const cli: [id: string, args: string[], label: string][] = [
    ['node', ['-e', '0'], "node -e 0 (Node's own start, reference)"],
    ['version', [BIN, '--version'], 'lab --version'],
    ['help', [BIN, '--help'], 'lab --help'],
    ['list', [BIN, 'list'], 'lab list'],
    ['show', [BIN, 'show', '03'], 'lab show 03'],
    ['validate', [BIN, 'validate'], 'lab validate (every lab)'],
  ];
  const under100 = new Set(['list', 'show', 'validate']);
  const cliMs: Record<string, Metric> = {};
  for (const [id, args, label] of runs('cli') ? cli : []) {
    step(`${label} x${CLI_RUNS}`);
    await must('node', args, env);
    const m = metric({ id: `cli.${id}`, label, unit: 'ms', samples: [], ...(under100.has(id) ? { max: 100 } : {}) });
    cliMs[id] = m;
    for (let i = 0; i < CLI_RUNS; i++) m.samples.push((await must('node', args, env)).ms);
  }
  if (runs('cli'))
    metric({
      id: 'cli.version.ratio',
      label: 'ratio lab --version / node -e 0 (medians)',
      unit: 'x',
      samples: [],
      max: 1.5,
      value: median(cliMs.version!.samples) / median(cliMs.node!.samples),
    });

  // 2. Warm-up, not counted: builds lab/whoami:1 if needed; read HAProxy's version off the running container.
  step('warm-up: lab up / down (not counted)');
  await labUp(3);
  // The swarm part: only when named (it needs root and brings up three engines).
  if (ONLY?.includes('swarm'))
    await benchSwarm({ lab, metric, step, reps: SWARM_REPS, images: ['lab-local/haproxy:3.0', 'lab/whoami:1'] });
  const haproxyId = lines(
    text('docker', [
      'ps',
      '-q',
      '--filter',
      `label=lab.project=${PROJECT}`,
      '--filter',
      'label=com.docker.compose.service=haproxy',
    ]),
  )[0];
  if (haproxyId) {
    const image = text('docker', ['inspect', '--format', '{{.Config.Image}}', haproxyId]);
    envInfo.versions.haproxy = `${
      text('docker', ['exec', haproxyId, 'haproxy', '-v'])
        .split('\n')[0]
        ?.replace(/^HAProxy version /, '')
        .replace(/ - https?:.*$/, '') ?? '?'
    } (${image})`;
  }
  await labDown();
  const rawCompose = await renderRaw(3);

  // 3. Up / check / down with 3 replicas, lab and raw compose alternately (the order flips each round).
  const upLab = metric({ id: 'up3.lab', label: 'lab up 03 (3 replicas, to all UP)', unit: 'ms', samples: [] });
  const composeMs = metric({
    id: 'up3.lab.composeMs',
    label: '  of which compose up (lab timing)',
    unit: 'ms',
    samples: [],
  });
  const readyMs = metric({
    id: 'up3.lab.readyMs',
    label: '  of which HAProxy: running to all UP',
    unit: 'ms',
    samples: [],
  });
  const preflight = metric({
    id: 'up3.lab.preflightMs',
    label: '  of which pre-flight and files (engine, Compose plugin, ports, workspace)',
    unit: 'ms',
    samples: [],
  });
  const outside = metric({
    id: 'up3.lab.processMs',
    label: '  of which process (node, imports, lab file, lock)',
    unit: 'ms',
    samples: [],
  });
  const upRaw = metric({ id: 'up3.raw', label: 'docker compose up -d --wait (same files)', unit: 'ms', samples: [] });
  const ratio = metric({
    id: 'up3.ratio',
    label: 'ratio lab up / raw compose up (medians)',
    unit: 'x',
    samples: [],
    max: 1.0,
  });
  const check = metric({ id: 'check300', label: 'lab check 03 --requests 300', unit: 'ms', samples: [] });
  const downLab = metric({ id: 'down3.lab', label: 'lab down 03 (3 replicas)', unit: 'ms', samples: [] });
  const downRaw = metric({ id: 'down3.raw', label: 'docker compose down (same files)', unit: 'ms', samples: [] });
  const downRatio = metric({
    id: 'down3.ratio',
    label: 'ratio lab down / raw compose down (medians)',
    unit: 'x',
    samples: [],
    max: 1.1,
  });
  const checkFailures: string[] = [];
  for (let i = 0; i < (runs('up') ? REPS : 0); i++) {
    const runLab = async () => {
      step(`round ${i + 1}/${REPS}: lab up, check, down`);
      const u = await labUp(3);
      upLab.samples.push(u.ms);
      composeMs.samples.push(u.timingsMs.composeMs);
      readyMs.samples.push(u.timingsMs.readyMs);
      preflight.samples.push(u.timingsMs.totalMs - u.timingsMs.composeMs - u.timingsMs.readyMs);
      outside.samples.push(u.ms - u.timingsMs.totalMs);
      const c = await lab(['check', '03', '--project', PROJECT, '--requests', '300', '--json'], [0, 1]);
      check.samples.push(c.ms);
      if (c.code !== 0) checkFailures.push(c.stdout.trim());
      downLab.samples.push((await labDown()).ms);
    };
    const runRaw = async () => {
      step(`round ${i + 1}/${REPS}: raw compose up --wait, down`);
      upRaw.samples.push((await docker([...rawCompose, 'up', '-d', '--wait'])).ms);
      downRaw.samples.push((await docker([...rawCompose, 'down'])).ms);
    };
    for (const half of i % 2 === 0 ? [runLab, runRaw] : [runRaw, runLab]) await half();
    ratio.samples.push(upLab.samples[i]! / upRaw.samples[i]!);
  }
  if (runs('up')) ratio.value = median(upLab.samples) / median(upRaw.samples);
  if (runs('up')) downRatio.value = median(downLab.samples) / median(downRaw.samples);

  // 4. Live scale 3 -> 10: wall clock of `lab scale`, and the time lab reports itself.
  const scale = metric({
    id: 'scale3to10',
    label: 'lab scale 03 10 (from 3, to 10 UP)',
    unit: 'ms',
    samples: [],
    max: 2000,
  });
  const scaleSelf = metric({
    id: 'scale3to10.self',
    label: '  as reported by lab (ms in --json)',
    unit: 'ms',
    samples: [],
  });
  for (let i = 0; i < (runs('scale') ? SCALE_REPS : 0); i++) {
    step(`scale ${i + 1}/${SCALE_REPS}: up 3, scale to 10, down`);
    await labUp(3);
    const s = await lab(['scale', '03', '10', '--project', PROJECT, '--json']);
    scale.samples.push(s.ms);
    scaleSelf.samples.push(json<{ ms: number }>(s).ms);
    await labDown();
  }

  // 5. Failover drill under load: stopped replica out of rotation, back in, failed requests.
  const out = metric({
    id: 'failover.outMs',
    label: 'failover: stopped replica out of rotation',
    unit: 'ms',
    samples: [],
    max: 1000,
  });
  const back = metric({
    id: 'failover.backMs',
    label: 'failover: restarted replica back UP',
    unit: 'ms',
    samples: [],
    max: 1000,
  });
  const failed = metric({
    id: 'failover.failed',
    label: 'failover: failed requests (total over drills)',
    unit: 'n',
    samples: [],
    max: 0,
  });
  const sent = metric({ id: 'failover.sent', label: '  requests sent per drill', unit: 'n', samples: [] });
  const drills: DrillEvent[][] = [];
  if (runs('failover')) await labUp(3);
  for (let i = 0; i < (runs('failover') ? DRILL_REPS : 0); i++) {
    step(`failover drill ${i + 1}/${DRILL_REPS}`);
    const r = json<{ checks: { kind: string; data?: { sent: number; failed: number; events: DrillEvent[] } }[] }>(
      await lab(['check', '03', '--project', PROJECT, '--failover', '--json'], [0, 1]),
    );
    const d = r.checks.find((c) => c.kind === 'failover')?.data;
    if (!d) throw new Error('lab check --failover printed no drill data');
    const t = drillTimes(d);
    drills.push(d.events);
    out.samples.push(t.outMs);
    back.samples.push(t.backMs);
    failed.samples.push(t.failed);
    sent.samples.push(t.sent);
  }
  if (runs('failover')) failed.value = failed.samples.reduce((a, b) => a + b, 0);
  if (runs('failover')) await labDown();

  // 5b. Rolling update against recreate (lab 08 with its reference solution), each under
  // 50 requests/s from lab load, which runs past the rollout: its failed count is the figure.
  if (runs('rollout')) {
    await lab(['up', '08', '--project', ROLLOUT, ...AUTO, '--timeout', '180', '--json']);
    await lab(['solve', '08', 'zero-downtime', '--project', ROLLOUT, '--json']);
    for (const [strategy, to, seconds] of [
      ['rolling', 'v2', 45],
      ['recreate', 'v1', 25],
    ] as const) {
      step(`rollout ${strategy} of 3 replicas under 50 req/s`);
      const load = must(
        'node',
        [BIN, 'load', '08', '--project', ROLLOUT, '--rate', '50', '--duration', String(seconds), '--json'],
        env,
        [0, 1],
      );
      await new Promise((r) => setTimeout(r, 1000));
      const r = json<{ ms: number }>(
        await lab(['rollout', '08', 'app', '--to', to, '--strategy', strategy, '--project', ROLLOUT, '--json']),
      );
      const l = json<{ sent: number; failed: number }>(await load);
      metric({
        id: `rollout.${strategy}.failed`,
        label: `rollout ${strategy}: failed requests (3 replicas, 50 req/s)`,
        unit: 'n',
        samples: [l.failed],
        ...(strategy === 'rolling' ? { max: 0 } : {}),
      });
      metric({
        id: `rollout.${strategy}.sent`,
        label: `  requests sent over ${seconds} s`,
        unit: 'n',
        samples: [l.sent],
      });
      metric({ id: `rollout.${strategy}.ms`, label: `  rollout ${strategy} duration`, unit: 'ms', samples: [r.ms] });
    }
    await lab(['down', '08', '--project', ROLLOUT, '--json']);
  }

  // 5c. lab top (a frame of 50 servers, refresh after a state change) and lab load (the highest rate sustained).
  await benchTopLoad(
    { root: ROOT, project: TOPLOAD, quick: QUICK, env, bin: BIN, lab, docker, step, metric },
    { top: runs('top'), load: runs('load') },
  );

  // 5d. From lab apply to the graded result: a failing cheap check, a passing task, a drill task.
  if (runs('verdict'))
    await benchVerdict(
      { root: ROOT, project: VERDICT, quick: QUICK, env, bin: BIN, lab, docker, step, metric },
      QUICK ? 1 : 3,
    );

  // 6. The cost curve: up to ready and down at each replica count, lab and raw Compose.
  const curve: CurvePoint[] = [];
  for (const n of runs('curve') ? CURVE : []) {
    step(`cost curve: ${n} replica(s), lab then raw compose`);
    const u = await labUp(n);
    const d = await labDown();
    const files = await renderRaw(n);
    const ru = await docker([...files, 'up', '-d', '--wait']);
    const rd = await docker([...files, 'down']);
    curve.push({ replicas: n, labUpMs: u.ms, labDownMs: d.ms, rawUpMs: ru.ms, rawDownMs: rd.ms });
  }
  const top = curve.at(-1);
  if (top?.replicas === 100) {
    metric({
      id: 'curve.up100',
      label: 'lab up 03 -n 100 (to all UP)',
      unit: 'ms',
      samples: [top.labUpMs],
      max: 20_000,
    });
    metric({
      id: 'curve.down100',
      label: 'lab down 03 (100 replicas)',
      unit: 'ms',
      samples: [top.labDownMs],
      max: 8000,
    });
  }
  if (curve.length > 1) {
    const per = (k: 'labUpMs' | 'rawUpMs' | 'labDownMs' | 'rawDownMs') => slope(curve.map((p) => [p.replicas, p[k]]));
    metric({
      id: 'curve.upSlope.raw',
      label: 'raw compose up: per added replica',
      unit: 'ms',
      samples: [per('rawUpMs')],
    });
    metric({
      id: 'curve.upSlope.lab',
      label: 'lab up: per added replica',
      unit: 'ms',
      samples: [per('labUpMs')],
      max: per('rawUpMs'),
    });
    metric({
      id: 'curve.downSlope.raw',
      label: 'raw compose down: per added replica',
      unit: 'ms',
      samples: [per('rawDownMs')],
    });
    metric({
      id: 'curve.downSlope.lab',
      label: 'lab down: per added replica',
      unit: 'ms',
      samples: [per('labDownMs')],
      max: per('rawDownMs'),
    });
  }

  // 7. lab test 03 as CI runs it: validate, up, check, down.
  const test = metric({
    id: 'test03',
    label: 'lab test 03 (validate, up, check, down)',
    unit: 'ms',
    samples: [],
    max: 4000,
  });
  for (let i = 0; i < (runs('test') ? TEST_REPS : 0); i++) {
    step(`lab test 03 ${i + 1}/${TEST_REPS}`);
    test.samples.push((await lab(['test', '03', '--json'])).ms);
  }
  if (checkFailures.length) progress(`lab check failed ${checkFailures.length} time(s); see checkFailures in the JSON`);
  return Object.assign(envInfo, { checkFailures, curve, drills });
}

function report(
  info: ReturnType<typeof environment> & { curve: CurvePoint[]; drills: DrillEvent[][] },
  startedAt: string,
): void {
  const fmt = (m: Metric, v: number) =>
    m.unit === 'x'
      ? `${v.toFixed(2)}×`
      : m.unit === 'n'
        ? String(Math.round(v))
        : `${v < 10 ? v.toFixed(2) : Math.round(v)} ms`;
  const shown = metrics.filter((m) => m.samples.length || m.value !== undefined);
  const rows = shown.map((m) => {
    const s = summarize(m.samples);
    const v = m.value ?? s.median;
    const verdict = !passes(m, v) ? 'MISS' : m.max === undefined && m.min === undefined ? '' : 'pass';
    const spread = (x: number) => (s.n ? fmt(m, x) : '');
    const target = m.max !== undefined ? `≤ ${fmt(m, m.max)}` : m.min !== undefined ? `≥ ${fmt(m, m.min)}` : '';
    return [m.label, String(s.n), fmt(m, v), spread(s.min), spread(s.max), target, verdict];
  });
  const v = info.versions;
  const machine = `${info.machine.cores} cores, ${info.machine.memoryGiB} GiB, ${info.machine.os}, Node ${info.machine.node}`;
  const noise = `load average (1 min) ${Math.min(...loads)} to ${Math.max(...loads)} during the run; ${info.load.otherContainersRunningAtStart} other container(s) running at the start`;
  process.stdout.write(
    `\nlab bench, ${startedAt} (${info.git.commit}${info.git.dirty ? '+dirty' : ''})\n${machine}\nEngine ${v.engine} (API ${v.api}), Compose ${v.compose}, HAProxy ${v.haproxy}\n${noise}\n\n`,
  );
  process.stdout.write(`${table(['metric', 'n', 'median', 'min', 'max', 'target', 'result'], rows)}\n\n`);
  if (info.curve.length)
    process.stdout.write(
      `Cost curve (one run per point; up = to every replica UP for lab, --wait for raw):\n${table(['replicas', 'lab up', 'raw up', 'lab down', 'raw down'], curveRows(info.curve))}\n\n`,
    );
  const round = (x: number) => Math.round(x * 100) / 100;
  const results = shown.map((m) => ({
    ...m,
    samples: m.samples.map(round),
    ...summarize(m.samples.map(round)),
    ...(m.value === undefined ? {} : { median: m.value }),
    pass: m.max === undefined && m.min === undefined ? null : passes(m, m.value ?? median(m.samples)),
  }));
  mkdirSync(join(OUT_FILE, '..'), { recursive: true });
  const load = { ...info.load, loadavgAtEnd: os.loadavg().map((x) => +x.toFixed(2)), loadavg1mAtEachStep: loads };
  writeFileSync(
    OUT_FILE,
    `${JSON.stringify({ startedAt, finishedAt: new Date().toISOString(), ...info, load, reps: { QUICK, REPS, SCALE_REPS, DRILL_REPS, TEST_REPS, CURVE, CLI_RUNS }, metrics: results }, null, 2)}\n`,
  );
  process.stdout.write(`Every sample: ${OUT_FILE}\n`);
}

/** Within the metric's target (true when it has none). */
const passes = (m: Metric, v: number) => (m.max === undefined || v <= m.max) && (m.min === undefined || v >= m.min);

let sigints = 0;
const onSignal = () => {
  if (++sigints > 1) cleanup(), process.exit(130);
  progress('interrupted: stopping the running command, then cleaning up (Ctrl-C again to clean up at once)');
  interrupt();
};
// npm and tsx may pass on SIGTERM as well as SIGINT.
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);

const startedAt = new Date().toISOString();
try {
  const info = await main();
  progress('cleaning up');
  cleanup();
  report(info, startedAt);
} catch (e) {
  progress(`failed: ${(e as Error).message}`);
  progress('cleaning up');
  cleanup();
  process.exitCode = sigints ? 130 : 1;
}
