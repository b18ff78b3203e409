import type Dockerode from 'dockerode';
import type { Context } from '../cli/context.ts';
import { EnvironmentError, InterruptedError } from '../core/errors.ts';
import { tasksToWaitFor } from '../core/swarm-reset.ts';
import { refuseProblems, STACK_NAMESPACE, swarmProblems } from '../core/swarm.ts';
import type { Endpoint } from '../docker/endpoint.ts';
import {
  listNodes,
  removeLeftover,
  removeService,
  stackLeftovers,
  stackServices,
  stackTasks,
  swarmRole,
} from '../docker/swarm.ts';
import { failing, type Progress } from '../ui/output.ts';
import { openSwarmEngine } from './engine.ts';

/**
 * Remove a lab's stack from the swarm: only when every service, network and config of the
 * stack carries lab's labels (render-stack.ts), so a stack lab did not deploy is never touched.
 * Returns what was removed (empty when nothing ran).
 */
export async function stopSwarmLab(
  ctx: Context,
  endpoint: Endpoint,
  project: string,
): Promise<{ services: string[]; others: string[]; onDownNodes: { id: string; node: string }[]; ms: number }> {
  const step = ctx.out.step(`Removing stack ${project} from the swarm`);
  const t0 = performance.now();
  const engine = await failing(step, openSwarmEngine(ctx, endpoint));
  const role = await failing(step, swarmRole(engine.docker));
  // Only the manager question matters here: down must work on a swarm that lost nodes.
  if (role !== 'manager') {
    step.fail();
    refuseProblems(swarmProblems({ host: endpoint.host, swarm: role, nodes: [], zoneLabel: 'zone' }));
  }
  const [{ owned, foreign }, others] = await failing(
    step,
    Promise.all([stackServices(engine.docker, project), stackLeftovers(engine.docker, project)]),
  );
  const notLabs = [...foreign, ...others.filter((o) => o.why).map((o) => ({ name: o.name, why: o.why! }))];
  if (notLabs.length) {
    step.fail();
    throw new EnvironmentError(
      `Stack ${project} holds what lab did not deploy (${notLabs[0]!.name}: ${notLabs[0]!.why}); nothing was removed`,
      {
        hint: 'Remove that stack yourself (docker stack rm) if it is yours to remove; lab removes only what it deployed',
      },
    );
  }
  if (owned.length === 0 && others.length === 0) {
    step.stop();
    return { services: [], others: [], onDownNodes: [], ms: performance.now() - t0 };
  }
  // Services first, then wait for their containers, then networks and configs: removing a
  // network while a task still stops on it leaks its addresses (moby/moby#37338).
  await failing(step, Promise.all(owned.map((s) => removeService(engine.docker, s.id))));
  const onDownNodes = await failing(step, waitForTasksToStop(ctx, engine.docker, project, step));
  await failing(step, removeNetworksAndConfigs(engine.docker, project));
  const ms = performance.now() - t0;
  step.succeed(
    `Removed ${owned.length} service(s) and ${others.length} network(s)/config(s) of ${project} (${Math.round(ms)} ms)`,
  );
  if (onDownNodes.length) ctx.out.warn(leftOnDownNodes(onDownNodes));
  return { services: owned.map((s) => s.name), others: others.map((o) => o.name), onDownNodes, ms };
}

/**
 * Wait until no task of the stack holds a container on a ready node (its host-mode ports are
 * free then), for up to 60 s. Tasks on nodes that are down are returned, not waited for.
 */
async function waitForTasksToStop(
  ctx: Context,
  docker: Dockerode,
  project: string,
  step: Progress,
): Promise<{ id: string; node: string }[]> {
  const t0 = Date.now();
  for (;;) {
    if (ctx.signal.aborted)
      throw new InterruptedError("Interrupted while the stack's tasks were stopping; run lab down again to finish");
    const [tasks, nodes] = await Promise.all([stackTasks(docker, project), listNodes(docker)]);
    const { stopping, onDownNodes } = tasksToWaitFor(tasks, nodes);
    const hostname = (id: string) => nodes.find((n) => n.id === id)?.hostname ?? id.slice(0, 12);
    if (stopping.length === 0) return onDownNodes.map((t) => ({ id: t.id, node: hostname(t.nodeId) }));
    const where = [...new Set(stopping.map((t) => hostname(t.nodeId)))].join(', ');
    if (Date.now() - t0 > 60_000) {
      throw new EnvironmentError(`${stopping.length} task(s) of ${project} did not stop within 60 s on ${where}`, {
        hint: `Run lab down again; docker -H <node> ps on ${where} shows what is still stopping`,
      });
    }
    step.update(`Removing stack ${project}: ${stopping.length} task(s) stopping on ${where}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** What stays on nodes that are down, and what to do about it. */
function leftOnDownNodes(tasks: readonly { node: string }[]): string {
  const nodes = [...new Set(tasks.map((t) => t.node))];
  const many = nodes.length > 1;
  return `Swarm still lists ${tasks.length} task(s) of the stack on ${nodes.join(', ')}, which ${many ? 'are' : 'is'} down; it removes them when ${many ? 'they rejoin' : 'it rejoins'} (a node that will not come back: docker node rm --force ${nodes[0]})`;
}

/** The stack's networks and configs, by id, retried for up to 30 s: a network can report active endpoints for a moment after its last task stopped (moby/moby#23302). */
async function removeNetworksAndConfigs(docker: Dockerode, project: string): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    const left = (await stackLeftovers(docker, project)).filter((o) => !o.why);
    if (left.length === 0) return;
    const errors = await Promise.all(
      left.map((o) =>
        removeLeftover(docker, o).then(
          () => undefined,
          (e: Error) => `${o.name}: ${e.message}`,
        ),
      ),
    );
    if (errors.every((e) => e === undefined)) continue;
    if (Date.now() > until) {
      throw new EnvironmentError(
        `lab down could not remove ${left.map((o) => o.name).join(', ')} within 30 s (${errors.find(Boolean)})`,
        {
          hint: `Run lab down again in a minute; docker network ls --filter label=${STACK_NAMESPACE}=${project} shows what is left`,
        },
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
