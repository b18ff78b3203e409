import { loadLab } from '../config/labs.ts';
import type { Context } from '../cli/context.ts';
import { resolveFlags } from '../config/render-flags.ts';
import { resolveWorkspace, writeWorkspace } from '../engine/workspace.ts';
import { shortId } from '../core/lab-id.ts';
import type { OptionsOf } from '../cli/options.ts';
import { describeReplicas, replicaCounts } from '../core/services.ts';
import type { renderCommand } from './render.command.ts';
import type { LoadedLab } from '../config/labs.ts';
import type { RenderOptions } from '../core/options.ts';
import { UsageError } from '../core/errors.ts';
import { DEFAULT_ZONE_LABEL, parseZoneLabel, swarmUnsupported } from '../core/swarm.ts';
import { stackImages } from '../core/swarm-images.ts';
import { writeSwarmWorkspace } from '../engine/swarm-workspace.ts';
import type { Workspace } from '../engine/workspace.ts';

export type RenderCommandOptions = OptionsOf<typeof renderCommand> & { lab: string };

export async function render(ctx: Context, opts: RenderCommandOptions): Promise<void> {
  const loaded = loadLab(opts.lab);
  const options = resolveFlags(ctx, loaded.lab, opts);
  const ws = resolveWorkspace(ctx.env, options.project, opts.workspace);
  if (opts.target === 'swarm') return renderSwarm(ctx, loaded, options, ws, opts.zoneLabel);
  await writeWorkspace(ws, loaded, options);
  ctx.out.data({
    outcome: 'success',
    lab: loaded.lab.id,
    workspace: ws.dir,
    files: { compose: ws.composeFile, haproxy: ws.haproxyCfg },
    options,
  });
  ctx.out.result(
    `Rendered ${loaded.lab.id} (${describeReplicas(replicaCounts(loaded.lab, options))}, ${options.algorithm}, ${options.mode}${options.sticky ? ', sticky' : ''}) to ${ws.dir}`,
  );
  ctx.out.result(`  ${ws.composeFile}`);
  ctx.out.result(`  ${ws.haproxyCfg}`);
  ctx.out.result(ctx.out.c.dim(`Start it with: lab up ${shortId(loaded.lab.id)}`));
}

/** --target swarm: the stack file and haproxy.cfg `lab up --target swarm` would deploy, and nothing deployed. */
async function renderSwarm(
  ctx: Context,
  loaded: LoadedLab,
  options: RenderOptions,
  ws: Workspace,
  zoneLabel = DEFAULT_ZONE_LABEL,
): Promise<void> {
  const unsupported = swarmUnsupported(loaded.lab as Parameters<typeof swarmUnsupported>[0]);
  if (unsupported.length)
    throw new UsageError(`Lab ${loaded.lab.id} uses what --target swarm does not run yet: ${unsupported.join(', ')}`, {
      hint: `Render it for one engine: lab render ${shortId(loaded.lab.id)}`,
    });
  const { file } = await writeSwarmWorkspace(ws, loaded, options, parseZoneLabel(zoneLabel));
  const images = stackImages(loaded.lab, options.images, loaded.builds).map((i) => i.ref);
  ctx.out.data({
    outcome: 'success',
    target: 'swarm',
    lab: loaded.lab.id,
    workspace: ws.dir,
    files: { stack: file, haproxy: ws.haproxyCfg },
    images,
    options: { ...options, statsPassword: undefined },
  });
  ctx.out.result(
    `Rendered ${loaded.lab.id} for a Docker Swarm (${options.replicas} replica(s) spread over node.labels.${zoneLabel}, one HAProxy per node, ${options.algorithm}, ${options.mode}) to ${ws.dir}`,
  );
  ctx.out.result(`  ${file}`);
  ctx.out.result(`  ${ws.haproxyCfg}`);
  ctx.out.result(`  images: ${images.join(', ')}`);
  ctx.out.result(ctx.out.c.dim(`Deploy it with: lab up ${shortId(loaded.lab.id)} --target swarm`));
}
