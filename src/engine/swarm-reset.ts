import type { Context } from '../cli/context.ts';
import type { WorkspaceCleanup } from '../core/workspace-files.ts';
import { planSwarmReset, type SwarmResetPlan } from '../core/swarm-reset.ts';
import { DEFAULT_ZONE_LABEL, refuseProblems, swarmProblems } from '../core/swarm.ts';
import { allStackObjects, swarmRole } from '../docker/swarm.ts';
import { removeLabFiles, workspaceCleanups } from '../instructor/reset-engine.ts';
import { failing } from '../ui/output.ts';
import { openSwarmEngine, type Engine } from './engine.ts';
import { withProjectLocks } from './lock.ts';
import { stopSwarmLab } from './swarm-down.ts';

/** What `lab reset --target swarm` would remove: lab's stacks on the swarm and their workspaces' lab files. */
export async function gatherSwarmReset(
  ctx: Context,
): Promise<{ engine: Engine; plan: SwarmResetPlan; workspaces: WorkspaceCleanup[] }> {
  const step = ctx.out.step("Looking for lab's stacks on the swarm");
  const engine = await failing(step, openSwarmEngine(ctx));
  const role = await failing(step, swarmRole(engine.docker));
  if (role !== 'manager') {
    step.fail();
    refuseProblems(
      swarmProblems({ host: engine.endpoint.host, swarm: role, nodes: [], zoneLabel: DEFAULT_ZONE_LABEL }),
    );
  }
  const plan = planSwarmReset(await failing(step, allStackObjects(engine.docker)));
  const workspaces = await workspaceCleanups(
    plan.stacks.flatMap((s) => (s.workspace ? [s.workspace] : [])),
    ctx.env,
  );
  step.succeed(
    `Found ${plan.stacks.length} lab stack(s) on ${engine.endpoint.host}${plan.kept.length ? `; ${plan.kept.length} kept (not all lab's)` : ''}`,
  );
  return { engine, plan, workspaces };
}

/** Remove each stack as `lab down --target swarm` does (under its lock), then the lab files of its workspace. */
export async function executeSwarmReset(
  ctx: Context,
  engine: Engine,
  plan: SwarmResetPlan,
  workspaces: WorkspaceCleanup[],
): Promise<{ stacks: string[]; workspaces: string[] }> {
  const projects = plan.stacks.map((s) => s.project);
  return withProjectLocks(ctx, engine.endpoint, projects, 'reset --target swarm', async () => {
    for (const p of projects) await stopSwarmLab(ctx, engine.endpoint, p);
    for (const w of workspaces) await removeLabFiles(w);
    return { stacks: projects, workspaces: workspaces.map((w) => w.dir) };
  });
}
