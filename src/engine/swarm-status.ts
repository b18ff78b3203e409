import type { Context } from '../cli/context.ts';
import { UsageError } from '../core/errors.ts';
import { LABEL } from '../core/labels.ts';
import { refuseProblems, swarmProblems } from '../core/swarm.ts';
import { stackServices, swarmRole } from '../docker/swarm.ts';
import { openSwarmEngine } from './engine.ts';
import type { SwarmState } from './swarm-workspace.ts';
import { readSwarmView, type SwarmView } from './swarm-view.ts';
import { readState, resolveWorkspace } from './workspace.ts';

/**
 * A deployed swarm lab as `lab status --target swarm` shows it: the options it was deployed
 * with (from the workspace its services name), nodes, tasks and every node's HAProxy.
 */
export async function swarmStatusView(
  ctx: Context,
  project: string,
  ref: string,
): Promise<{ view: SwarmView; state?: SwarmState; zoneLabel: string }> {
  const engine = await openSwarmEngine(ctx);
  const role = await swarmRole(engine.docker);
  if (role !== 'manager')
    refuseProblems(swarmProblems({ host: engine.endpoint.host, swarm: role, nodes: [], zoneLabel: 'zone' }));
  const { owned } = await stackServices(engine.docker, project);
  if (owned.length === 0)
    throw new UsageError(`Lab ${ref} is not deployed on the swarm (no services of stack ${project})`, {
      hint: `Start it with: lab up ${ref} --target swarm`,
    });
  const ws = resolveWorkspace(ctx.env, project, owned[0]!.labels[LABEL.workspace] || undefined);
  const state = (await readState(ws)) as SwarmState | undefined;
  const o = state?.options ?? { statsPort: 1936, statsUser: 'admin', statsPassword: 'admin' };
  const zoneLabel = state?.zoneLabel ?? 'zone';
  return { view: await readSwarmView(engine, project, o), ...(state ? { state } : {}), zoneLabel };
}
