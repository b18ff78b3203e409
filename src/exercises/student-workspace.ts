import type { Context } from '../cli/context.ts';
import { loadLab, type LoadedLab } from '../config/labs.ts';
import type { Progress } from '../core/exercises/progress.ts';
import { projectFor } from '../core/options.ts';
import { readProgress } from '../engine/progress-file.ts';
import { resolveWorkspace, type Workspace } from '../engine/workspace.ts';

/**
 * What tasks, hint and quiz work from: the lab file and the progress saved in its workspace.
 * No engine: a student can read tasks and take the quiz before `lab up`, and on a stopped lab.
 */
export async function studentWorkspace(
  ctx: Pick<Context, 'env'>,
  opts: { lab: string; project?: string | undefined; workspace?: string | undefined },
): Promise<{ loaded: LoadedLab; ws: Workspace; progress: Progress }> {
  const loaded = loadLab(opts.lab);
  const project = projectFor(opts.project, () => loaded.lab.id);
  const ws = resolveWorkspace(ctx.env, project, opts.workspace);
  return { loaded, ws, progress: await readProgress(ws, loaded.lab.id) };
}
