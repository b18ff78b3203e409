import type Dockerode from 'dockerode';
import type { Context } from '../cli/context.ts';
import { EnvironmentError } from '../core/errors.ts';
import { refuseProblems, STACK_NAMESPACE, swarmProblems } from '../core/swarm.ts';
import type { Endpoint } from '../docker/endpoint.ts';
import { removeLeftover, stackLeftovers, stackRm, stackServices, swarmRole } from '../docker/swarm.ts';
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
  await failing(step, removeWhatStackRmLeft(engine.docker, project));
  const ms = performance.now() - t0;
  step.succeed(`Removed ${owned.length} service(s) and ${others.length} network(s)/config(s) of ${project} (${Math.round(ms)} ms)`);
  return { services: owned.map((s) => s.name), others: others.map((o) => o.name), ms };
}

/** Down returns when nothing of the stack is left: leftovers are removed by id, for up to 30 s. */
async function removeWhatStackRmLeft(docker: Dockerode, project: string): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    const left = (await stackLeftovers(docker, project)).filter((o) => !o.why);
    if (left.length === 0) return;
    const errors = await Promise.all(left.map((o) => removeLeftover(docker, o).then(() => undefined, (e: Error) => `${o.name}: ${e.message}`)));
    if (errors.every((e) => e === undefined)) continue;
    if (Date.now() > until) {
      throw new EnvironmentError(`docker stack rm left ${left.map((o) => o.name).join(', ')} behind and it would not go (${errors.find(Boolean)})`, {
        hint: `Run lab down again in a minute; docker network ls --filter label=${STACK_NAMESPACE}=${project} shows what is left`,
      });
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
