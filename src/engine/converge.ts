import type { Context } from '../cli/context.ts';
import type { LoadedLab } from '../config/labs.ts';
import { composeUpArgs, type PullPolicy } from '../core/compose-up-args.ts';
import type { RenderOptions } from '../core/options.ts';
import { runCompose } from '../docker/compose.ts';
import { type LabContainer, labContainers, signalContainer } from '../docker/engine.ts';
import { type Engine, isLocalEngine } from './engine.ts';
import { buildFlag } from './project.ts';
import { type Workspace, writeWorkspace } from './workspace.ts';

export interface ConvergeRequest {
  loaded: LoadedLab;
  options: RenderOptions;
  ws: Workspace;
  pull: PullPolicy;
  /** The project's containers before: a running HAProxy among them is reloaded, not restarted. */
  before: LabContainer[];
  /** lab scale: only add or remove app replicas; HAProxy keeps running. */
  onlyReplicas?: boolean;
}

export interface Converged {
  cfgChanged: boolean;
  containers: LabContainer[];
  haproxy: LabContainer;
  /** HAProxy is a new container (new ports when they were "auto"). */
  haproxyReplaced: boolean;
  composeMs: number;
}

/**
 * Bring a lab's project to its rendered state, for lab up and lab scale alike: write the
 * workspace, run `docker compose up`, and reload a HAProxy that kept running on an old config.
 * The caller holds the project's lock.
 */
export async function converge(ctx: Context, engine: Engine, r: ConvergeRequest): Promise<Converged> {
  const remote = !isLocalEngine(engine.endpoint);
  const { cfgChanged } = await writeWorkspace(r.ws, r.loaded, r.options, remote);
  const t0 = performance.now();
  // A remote HAProxy has its config copied in, not mounted: more slots need a new container.
  const keepRunning = Boolean(r.onlyReplicas) && !(remote && cfgChanged);
  const args = composeUpArgs({ pull: r.pull, build: await buildFlag(engine, r.loaded, r.options), keepRunning, removeOrphans: !r.onlyReplicas });
  await runCompose(engine.endpoint, { project: r.options.project, file: r.ws.composeFile }, args, ctx);
  const composeMs = performance.now() - t0;
  const containers = await labContainers(engine.docker, r.options.project);
  const haproxy = containers.find((c) => c.service === 'haproxy')!;
  // A HAProxy that compose kept (not recreated) still has the old config: ask its master process
  // to reload (SIGUSR2 in master-worker mode, which both the official image and lab's local one
  // use). A reload is hitless; it resets the counters.
  const kept = r.before.some((c) => c.id === haproxy.id && c.state === 'running');
  if (kept && cfgChanged) await signalContainer(engine.docker, haproxy.id, 'SIGUSR2');
  return { cfgChanged, containers, haproxy, haproxyReplaced: !kept, composeMs };
}
