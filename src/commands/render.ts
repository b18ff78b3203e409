import { loadLab } from '../config/labs.ts';
import type { Context } from '../cli/context.ts';
import { resolveFlags } from '../config/render-flags.ts';
import { resolveWorkspace, writeWorkspace } from '../engine/workspace.ts';
import { shortId } from '../core/lab-id.ts';
import type { OptionsOf } from '../cli/options.ts';
import { describeReplicas, replicaCounts } from '../core/services.ts';
import type { renderCommand } from './render.command.ts';

export type RenderCommandOptions = OptionsOf<typeof renderCommand> & { lab: string };

export async function render(ctx: Context, opts: RenderCommandOptions): Promise<void> {
  const loaded = loadLab(opts.lab);
  const options = resolveFlags(ctx, loaded.lab, opts);
  const ws = resolveWorkspace(ctx.env, options.project, opts.workspace);
  await writeWorkspace(ws, loaded, options);
  ctx.out.data({ outcome: 'success', lab: loaded.lab.id, workspace: ws.dir, files: { compose: ws.composeFile, haproxy: ws.haproxyCfg }, options });
  ctx.out.result(`Rendered ${loaded.lab.id} (${describeReplicas(replicaCounts(loaded.lab, options))}, ${options.algorithm}, ${options.mode}${options.sticky ? ', sticky' : ''}) to ${ws.dir}`);
  ctx.out.result(`  ${ws.composeFile}`);
  ctx.out.result(`  ${ws.haproxyCfg}`);
  ctx.out.result(ctx.out.c.dim(`Start it with: lab up ${shortId(loaded.lab.id)}`));
}
