import type { Context } from '../cli/context.ts';
import type { LoadedLab } from '../config/labs.ts';
import { composeUpArgs, type PullPolicy } from '../core/compose-up-args.ts';
import type { RenderOptions } from '../core/options.ts';
import { runCompose } from '../docker/compose.ts';
import { type Engine, isLocalEngine } from './engine.ts';
import { buildFlag } from './project.ts';
import { type Workspace, writeWorkspace } from './workspace.ts';

export interface ConvergeRequest {
  loaded: LoadedLab;
  options: RenderOptions;
  ws: Workspace;
  pull: PullPolicy;
  /** lab scale: only add or remove app replicas; HAProxy keeps running. */
  onlyReplicas?: boolean;
  /** Compose in its own process group (docker/compose.ts RunOptions.ownGroup): Ctrl-C does not reach it. */
  ownGroup?: boolean;
}

export interface Converged {
  /** haproxy.cfg changed: a HAProxy that kept running must reload (confirm-config.ts). */
  cfgChanged: boolean;
  /** The id HAProxy serves once it runs the file just written (core/config-id.ts). */
  configId: string;
  composeMs: number;
}

/**
 * Bring a lab's project to its rendered state, for lab up and lab scale alike: write the
 * workspace and run `docker compose up`. The caller holds the project's lock, and then
 * confirms that HAProxy runs the new file (confirm-config.ts), reloading it if needed.
 */
export async function converge(ctx: Context, engine: Engine, r: ConvergeRequest): Promise<Converged> {
  const remote = !isLocalEngine(engine.endpoint);
  const { cfgChanged, configId } = await writeWorkspace(r.ws, r.loaded, r.options, remote);
  const t0 = performance.now();
  // A remote HAProxy has its config copied in, not mounted: more slots need a new container.
  const keepRunning = Boolean(r.onlyReplicas) && !(remote && cfgChanged);
  const args = composeUpArgs({
    pull: r.pull,
    build: await buildFlag(engine, r.loaded, r.options),
    keepRunning,
    removeOrphans: !r.onlyReplicas,
  });
  await runCompose(engine.endpoint, { project: r.options.project, file: r.ws.composeFile }, args, {
    out: ctx.out,
    signal: ctx.signal,
    ownGroup: r.ownGroup,
  });
  return { cfgChanged, configId, composeMs: performance.now() - t0 };
}
