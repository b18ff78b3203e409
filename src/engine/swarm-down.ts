import type { Context } from '../cli/context.ts';
import { EnvironmentError } from '../core/errors.ts';
import { refuseProblems, swarmProblems } from '../core/swarm.ts';
import type { Endpoint } from '../docker/endpoint.ts';
import { stackLeftovers, stackRm, stackServices, swarmRole } from '../docker/swarm.ts';
import { failing } from '../ui/output.ts';
import { openEngine } from './engine.ts';

/**
 * Remove a lab's stack from the swarm: only when every service, network and config of the
 * stack carries lab's labels (render-stack.ts), so a stack lab did not deploy is never touched.
 * Returns what was removed (empty when nothing ran).
 */
export async function stopSwarmLab(ctx: Context, endpoint: Endpoint, project: string): Promise<{ services: string[]; others: string[]; ms: number }> {
  const step = ctx.out.step(`Removing stack ${project} from the swarm`);
  const t0 = performance.now();
  const engine = await failing(step, openEngine(ctx, endpoint));
  const role = await failing(step, swarmRole(engine.docker));
  // Only the manager question matters here: down must work on a swarm that lost nodes.
  if (role !== 'manager') {
    step.fail();
    refuseProblems(swarmProblems({ host: endpoint.host, swarm: role, nodes: [], zoneLabel: 'zone' }));
  }
  const [{ owned, foreign }, others] = await failing(step, Promise.all([stackServices(engine.docker, project), stackLeftovers(engine.docker, project)]));
  const notLabs = [...foreign, ...others.filter((o) => o.why).map((o) => ({ name: o.name, why: o.why! }))];
  if (notLabs.length) {
    step.fail();
    throw new EnvironmentError(`Stack ${project} holds what lab did not deploy (${notLabs[0]!.name}: ${notLabs[0]!.why}); nothing was removed`, {
      hint: 'Remove that stack yourself (docker stack rm) if it is yours to remove; lab removes only what it deployed',
    });
  }
  if (owned.length === 0 && others.length === 0) {
    step.stop();
    return { services: [], others: [], ms: performance.now() - t0 };
  }
  await failing(
    step,
    stackRm(engine.endpoint, project, { out: ctx.out, signal: ctx.signal }).catch(async (e: unknown) => {
      // A network an earlier `stack rm` was still removing is gone by the time this one asks
      // ("network ... not found"): what counts is that nothing of the stack is left.
      const [left, rest] = await Promise.all([stackServices(engine.docker, project), stackLeftovers(engine.docker, project)]);
      if (!/not found/.test((e as Error).message) || left.owned.length + left.foreign.length + rest.length > 0) throw e;
    }),
  );
  const ms = performance.now() - t0;
  step.succeed(`Removed ${owned.length} service(s) and ${others.length} network(s)/config(s) of ${project} (${Math.round(ms)} ms)`);
  return { services: owned.map((s) => s.name), others: others.map((o) => o.name), ms };
}
