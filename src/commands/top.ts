import type { Context } from '../cli/context.ts';
import type { OptionsOf } from '../cli/options.ts';
import { findLab } from '../config/labs.ts';
import { UsageError } from '../core/errors.ts';
import { projectFor } from '../core/options.ts';
import { renderFrame, renderLine, type TopSnapshot, topSnapshot } from '../core/top-frame.ts';
import { labContainers } from '../docker/engine.ts';
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
  const read = () => snapshot(engine, project, stats);
  const { out } = ctx;
  if (opts.once || out.json) {
    const s = await read();
    out.data({ outcome: 'success', ...s });
    out.result(renderFrame(s, { width: Number(process.stdout.columns) || 100, c: out.c }));
    return;
  }
  const screen: Screen | undefined = process.stdout.isTTY && process.stdin.isTTY ? openScreen(process.stdout, process.stdin) : undefined;
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

async function snapshot(engine: Engine, project: string, stats: StatsEndpoint): Promise<TopSnapshot> {
  const [rows, containers] = await Promise.all([readStats(stats), labContainers(engine.docker, project)]);
  const faults = await readAllFaults(engine, containers);
  const ip = new Map(containers.map((c) => [c.name, c.ip]));
  const replicas = faults.map((f) => ({ replica: `${f.service}/${f.replica}`, container: f.container, ip: ip.get(f.container), faults: f.faults }));
  return topSnapshot(project, new Date(), rows, replicas);
}

function parseInterval(text: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(n >= 0.2 && n <= 60)) {
    throw new UsageError(`--interval must be seconds from 0.2 to 60 (got "${text}")`, { hint: 'For example: lab top 03 --interval 2' });
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
