import type { Context } from '../cli/context.ts';
import { reloadFailureLines, reloadFailureReason } from '../core/haproxy-log.ts';
import type { RenderOptions } from '../core/options.ts';
import { runCompose } from '../docker/compose.ts';
import { containerLogs, labContainers, signalContainer, type LabContainer } from '../docker/engine.ts';
import { InterruptedError, RuntimeError } from '../core/errors.ts';
import type { Engine } from './engine.ts';
import { failIfContainersDied } from './not-ready.ts';
import { statsEndpoint } from './project.ts';
import type { Progress } from '../ui/output.ts';
import { readConfigId, type StatsEndpoint } from '../haproxy/stats-client.ts';
import { saveServersState } from '../haproxy/runtime-api.ts';
import { keepServerStates } from '../core/seamless-reload.ts';
import { readFile } from 'node:fs/promises';

/** A reload takes well under a second; one that has not shown after this has failed. */
const RELOAD_MS = 5000;

export interface ConfirmRequest {
  project: string;
  composeFile: string;
  options: Pick<RenderOptions, 'statsUser' | 'statsPassword'>;
  /** The id of the haproxy.cfg lab just wrote (writeWorkspace). */
  expected: string;
  /** The project's containers before compose ran: tells a kept HAProxy from a new one. */
  before: readonly LabContainer[];
  cfgChanged: boolean;
  /** The files HAProxy loads (lab's, and the student's in student mode): a reload carries over the state of the servers they still define. */
  cfgFiles: readonly string[];
  /** performance.now() by which HAProxy must answer, and the readiness timeout it comes from. */
  deadline: number;
  timeoutMs: number;
  progress: Progress;
}

export interface Confirmed {
  haproxy: LabContainer;
  stats: StatsEndpoint;
  action: 'none' | 'reloaded' | 'recreated';
}

/**
 * Make sure HAProxy runs the configuration lab just wrote, never assume it. A HAProxy that
 * compose kept running still has its old configuration: its master process is asked to reload
 * (SIGUSR2 in master-worker mode, which the official image and lab's local one use; hitless,
 * it resets the counters). A reload that fails ("Loading failure!", e.g. the bind-mounted
 * workspace folder was deleted and written anew) leaves the old workers running, so the id
 * HAProxy serves decides: still not the new one, and the container is recreated; still not,
 * and lab stops with HAProxy's own error lines (exit 4).
 */
export async function confirmConfig(ctx: Context, engine: Engine, r: ConfirmRequest): Promise<Confirmed> {
  let haproxy = await currentHaproxy(engine, r.project);
  let stats = statsEndpoint(engine, haproxy, r.options);
  const kept = r.before.some((c) => c.id === haproxy.id && c.state === 'running');
  // Docker's `since` has whole seconds: a second earlier never misses a line of this reload.
  const since = Math.floor(Date.now() / 1000) - 1;
  if (kept && r.cfgChanged) {
    if (await reloaded(ctx, engine, haproxy, stats, r)) return { haproxy, stats, action: 'reloaded' };
  } else {
    const served = await firstAnswer(ctx, engine, r, haproxy, stats);
    if (served === r.expected) return { haproxy, stats, action: 'none' };
    if (kept && (await reloaded(ctx, engine, haproxy, stats, r))) return { haproxy, stats, action: 'reloaded' };
  }
  // HAProxy did not take the new file: say why in its own words, then start it afresh.
  const why = reloadFailureReason(await containerLogs(engine.docker, haproxy.id, 200, since).catch(() => [])).join(
    ' / ',
  );
  ctx.out.warn(`HAProxy did not load the new configuration${why ? ` (${why})` : ''}; recreating its container`);
  r.progress.update('Recreating HAProxy with the new configuration');
  await runCompose(
    engine.endpoint,
    { project: r.project, file: r.composeFile },
    ['up', '--detach', '--no-deps', '--force-recreate', '--pull', 'never', 'haproxy'],
    { out: ctx.out, signal: ctx.signal },
  );
  haproxy = await currentHaproxy(engine, r.project);
  stats = statsEndpoint(engine, haproxy, r.options);
  const served = await firstAnswer(ctx, engine, r, haproxy, stats);
  if (served === r.expected) return { haproxy, stats, action: 'recreated' };
  throw new RuntimeError(
    `HAProxy does not run the configuration lab wrote: it serves ${served ? `config ${served}` : 'no config id'}, lab wrote ${r.expected}, even after recreating ${haproxy.name}`,
    {
      details: [
        `HAProxy's log (${haproxy.name}):`,
        ...reloadFailureLines(await containerLogs(engine.docker, haproxy.id, 200).catch(() => [])).map((l) => `  ${l}`),
      ],
      hint: `Look at lab logs ${r.project.replace(/^lab-/, '')} haproxy, then run lab up again (or lab down and up)`,
    },
  );
}

async function currentHaproxy(engine: Engine, project: string): Promise<LabContainer> {
  const haproxy = (await labContainers(engine.docker, project)).find((c) => c.service === 'haproxy');
  if (!haproxy)
    throw new RuntimeError(`Project ${project} has no HAProxy container after docker compose up`, {
      hint: 'Run lab up again',
    });
  return haproxy;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Ask HAProxy's master to reload and wait until it serves `expected`. A failed reload is seen
 * in its log ("Loading failure!") long before RELOAD_MS.
 */
async function reloaded(
  ctx: Context,
  engine: Engine,
  haproxy: LabContainer,
  stats: StatsEndpoint,
  r: Pick<ConfirmRequest, 'expected' | 'cfgFiles'>,
): Promise<boolean> {
  const { expected } = r;
  // The new workers start with the servers as they are, those the new files still define.
  const cfgs = await Promise.all(r.cfgFiles.map((f) => readFile(f, 'utf8').catch(() => '')));
  await saveServersState(engine.docker, haproxy.id, (dump) => keepServerStates(dump, cfgs));
  const since = Math.floor(Date.now() / 1000);
  await signalContainer(engine.docker, haproxy.id, 'SIGUSR2');
  const end = performance.now() + RELOAD_MS;
  let lastLogCheck = performance.now();
  while (performance.now() < end) {
    if (ctx.signal.aborted) throw new InterruptedError('Interrupted while waiting for HAProxy to reload');
    if ((await readConfigId(stats).catch(() => null)) === expected) return true;
    if (performance.now() - lastLogCheck > 500) {
      lastLogCheck = performance.now();
      const log = await containerLogs(engine.docker, haproxy.id, 200, since).catch(() => []);
      if (log.some((l) => l.includes('Loading failure'))) return false;
    }
    await sleep(100);
  }
  return false;
}

/** The id HAProxy serves once it answers at all (a new container needs a moment to listen). */
async function firstAnswer(
  ctx: Context,
  engine: Engine,
  r: ConfirmRequest,
  haproxy: LabContainer,
  stats: StatsEndpoint,
): Promise<string | undefined> {
  let lastCheck = performance.now();
  let error = '';
  for (;;) {
    if (ctx.signal.aborted) throw new InterruptedError('Interrupted while waiting for HAProxy to start');
    try {
      return await readConfigId(stats);
    } catch (e) {
      error = (e as Error).message;
    }
    if (performance.now() - lastCheck > 2000) {
      lastCheck = performance.now();
      await failIfContainersDied(engine, r.project);
    }
    if (performance.now() > r.deadline) {
      const logs = await containerLogs(engine.docker, haproxy.id, 200).catch(() => []);
      throw new RuntimeError(`Not ready after ${Math.round(r.timeoutMs / 1000)} s: ${error}`, {
        details: [`HAProxy's log (${haproxy.name}):`, ...reloadFailureLines(logs).map((l) => `  ${l}`)],
        hint: 'Look at lab logs <lab> haproxy, or raise --timeout',
      });
    }
    await sleep(100);
  }
}

/**
 * After a reload lab asked for itself (lab apply, through the master CLI): wait until HAProxy
 * serves `expected`, the id of the files just loaded. False when it does not within `ms`.
 */
export async function servesConfig(
  ctx: Context,
  stats: StatsEndpoint,
  expected: string,
  ms = RELOAD_MS,
): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (ctx.signal.aborted) throw new InterruptedError('Interrupted while waiting for HAProxy to reload');
    if ((await readConfigId(stats).catch(() => null)) === expected) return true;
    await sleep(50);
  }
  return false;
}
