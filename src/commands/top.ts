import type { Context } from '../cli/context.ts';
import type { OptionsOf } from '../cli/options.ts';
import { findLab } from '../config/labs.ts';
import { UsageError } from '../core/errors.ts';
import { projectFor } from '../core/options.ts';
import { renderFrame, renderLine, type TopSnapshot, topSnapshot } from '../core/top-frame.ts';
import { type AppFaultView, describeFaults } from '../core/fault-request.ts';
import { type LabContainer, labContainers } from '../docker/engine.ts';
import { type Engine, openEngine } from '../engine/engine.ts';
import { readAllFaults } from '../engine/faults.ts';
import { runningProject, statsEndpoint } from '../engine/project.ts';
import { projectWorkspace } from '../engine/workspace.ts';
import { readStats, type StatsEndpoint } from '../haproxy/stats-client.ts';
import { type Screen, openScreen } from '../ui/screen.ts';
import type { topCommand } from './top.command.ts';

/**
 * lab top: read HAProxy's stats and the replicas' faults every interval and draw them
 * (core/top-frame.ts). On a terminal it redraws in place (ui/screen.ts), elsewhere one line
 * per refresh. It stops on q, Ctrl-C, or the lab going away, and never exits the process.
 */
export async function top(ctx: Context, opts: OptionsOf<typeof topCommand> & { lab: string }): Promise<void> {
  const interval = parseInterval(opts.interval ?? '1');
  const project = projectFor(opts.project, () => findLab(opts.lab).id);
  const engine = await openEngine(ctx);
  const { haproxy } = await runningProject(engine, project, opts.lab);
  const { state } = await projectWorkspace(ctx, project, haproxy);
  const stats = statsEndpoint(engine, haproxy, state?.options ?? { statsUser: 'admin', statsPassword: 'admin' });
  const read = snapshotReader(engine, project, stats);
  const { out } = ctx;
  if (opts.once || out.json) {
    const s = await read(true);
    out.data({ outcome: 'success', ...s });
    out.result(renderFrame(s, { width: Number(process.stdout.columns) || 100, c: out.c }));
    return;
  }
  const screen: Screen | undefined =
    process.stdout.isTTY && process.stdin.isTTY ? openScreen(process.stdout, process.stdin) : undefined;
  const stop = new AbortController();
  const quit = () => stop.abort();
  ctx.signal.addEventListener('abort', quit, { once: true });
  screen?.onQuit(quit);
  try {
    while (!stop.signal.aborted) {
      const t0 = performance.now();
      const s = await read();
      if (stop.signal.aborted) break;
      if (screen) screen.draw(renderFrame(s, { width: screen.columns(), c: out.c }));
      else out.result(renderLine(s));
      await sleep(Math.max(0, interval * 1000 - (performance.now() - t0)), stop.signal);
    }
  } finally {
    screen?.close();
    ctx.signal.removeEventListener('abort', quit);
  }
}

/**
 * Reading a replica's app faults is a docker exec (tens of ms idle, seconds on a loaded
 * machine), so a frame must not wait for it: they are read in the background, at most every
 * FAULTS_EVERY_MS, and each frame shows the latest. Kill and pause come from the container's
 * state, which every frame reads fresh.
 */
const FAULTS_EVERY_MS = 2000;

function snapshotReader(engine: Engine, project: string, stats: StatsEndpoint) {
  const appFaults = new Map<string, Record<string, AppFaultView> | null>();
  let reading: Promise<void> | undefined;
  let readAt = Number.NEGATIVE_INFINITY;
  const refresh = (containers: LabContainer[]) => {
    if (reading || performance.now() - readAt < FAULTS_EVERY_MS) return reading;
    reading = readAllFaults(engine, containers)
      .then((list) => {
        for (const f of list) appFaults.set(f.container, f.app);
      })
      .catch(() => undefined)
      .finally(() => {
        reading = undefined;
        readAt = performance.now();
      });
    return reading;
  };
  /** `fresh`: wait for the faults too (--once, --json). */
  return async (fresh = false): Promise<TopSnapshot> => {
    const [rows, containers] = await Promise.all([readStats(stats), labContainers(engine.docker, project)]);
    const apps = containers.filter((c) => c.service !== 'haproxy');
    const pending = refresh(apps);
    if (fresh) await pending;
    const replicas = apps.map((c) => {
      const app = c.state === 'running' ? (appFaults.get(c.name) ?? undefined) : undefined;
      return { replica: `${c.service}/${c.number}`, container: c.name, ip: c.ip, faults: describeFaults(c.state, app) };
    });
    return topSnapshot(project, new Date(), rows, replicas);
  };
}

function parseInterval(text: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(n >= 0.2 && n <= 60)) {
    throw new UsageError(`--interval must be seconds from 0.2 to 60 (got "${text}")`, {
      hint: 'For example: lab top 03 --interval 2',
    });
  }
  return n;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
