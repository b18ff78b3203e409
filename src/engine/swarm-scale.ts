import { readFile } from 'node:fs/promises';
import type { Context } from '../cli/context.ts';
import type { LoadedLab } from '../config/labs.ts';
import { UsageError } from '../core/errors.ts';
import { shortId } from '../core/lab-id.ts';
import { LABEL } from '../core/labels.ts';
import { renderHaproxyCfg } from '../core/render-haproxy.ts';
import { replicasPerZone } from '../core/swarm.ts';
import type { Endpoint } from '../docker/endpoint.ts';
import { serviceScale, stackDeploy } from '../docker/swarm.ts';
import { failing } from '../ui/output.ts';
import { openSwarmEngine } from './engine.ts';
import { preflightSwarm, waitReady } from './swarm-up.ts';
import { readSwarmView, liveTasks } from './swarm-view.ts';
import { type SwarmState, writeSwarmWorkspace } from './swarm-workspace.ts';
import { readState, resolveWorkspace } from './workspace.ts';

export interface SwarmScaled {
  from: number;
  to: number;
  /** How: `docker service scale` within HAProxy's server slots, or a redeploy of the stack for more or fewer slots. */
  how: 'service scale' | 'stack deploy';
  perZone: Record<string, number>;
  ms: number;
}

/**
 * Change the replica count of a lab deployed on a swarm, then wait until every node's HAProxy
 * has them all UP. Within HAProxy's server-template slots only the app service changes
 * (`docker service scale`): placement keeps spreading over the zones and HAProxy finds the new
 * tasks through tasks.app. Past the slots, the stack is deployed again with the new
 * haproxy.cfg (a new config, each node's HAProxy replaced in turn). The caller holds the lock.
 */
export async function scaleSwarmLab(
  ctx: Context,
  endpoint: Endpoint,
  loaded: LoadedLab,
  project: string,
  replicas: number,
  timeoutMs: number,
): Promise<SwarmScaled> {
  const short = shortId(loaded.lab.id);
  const step = ctx.out.step(`Scaling ${project} on the swarm to ${replicas} replica(s)`);
  const t0 = performance.now();
  const engine = await failing(step, openSwarmEngine(ctx, endpoint));
  const before = await failing(
    step,
    readSwarmView(engine, project, { statsPort: 0, statsUser: '', statsPassword: '' }, false),
  );
  const app = before.services.find((s) => s.service === 'app');
  if (!app) {
    step.fail();
    throw new UsageError(`Lab ${short} is not deployed on the swarm (no app service of stack ${project})`, {
      hint: `Start it with: lab up ${short} --target swarm --replicas ${replicas}`,
    });
  }
  const ws = resolveWorkspace(ctx.env, project, app.labels[LABEL.workspace] || undefined);
  const state = (await readState(ws)) as SwarmState | undefined;
  if (!state) {
    step.fail();
    throw new UsageError(`The workspace of ${project} (${ws.dir}) is gone`, {
      hint: `Run lab up ${short} --target swarm --replicas ${replicas} to deploy it again`,
    });
  }
  await failing(step, preflightSwarm(engine, project, state.zoneLabel));
  const from = liveTasks(before, 'app').length;
  const options = { ...state.options, replicas };
  const cfg = renderHaproxyCfg(loaded.lab, options, 'swarm');
  const same = cfg === (await readFile(ws.haproxyCfg, 'utf8').catch(() => ''));
  if (same) {
    await failing(step, serviceScale(engine.endpoint, app.name, replicas, { out: ctx.out, signal: ctx.signal }));
    // lab.json records the new count, so status, check and a later scale start from it.
    await failing(step, writeSwarmWorkspace(ws, loaded, options, state.zoneLabel));
  } else {
    const { file } = await failing(step, writeSwarmWorkspace(ws, loaded, options, state.zoneLabel));
    await failing(step, stackDeploy(engine.endpoint, project, ws.dir, file, { out: ctx.out, signal: ctx.signal }));
  }
  step.update(`Waiting for HAProxy on every node to see ${replicas} replica(s) UP`);
  const seen = new Set(before.tasks.map((t) => t.id));
  const view = await failing(step, waitReady(ctx, engine, { loaded, options, timeoutMs }, seen, step));
  const ms = performance.now() - t0;
  const perZone = replicasPerZone(view.nodes, view.tasks, state.zoneLabel);
  step.succeed(
    `HAProxy on ${view.haproxies.length} node(s) has ${replicas} replica(s) UP (${Math.round(ms)} ms, ${same ? 'no HAProxy restart' : 'HAProxy redeployed for more or fewer server slots'})`,
  );
  return { from, to: replicas, how: same ? 'service scale' : 'stack deploy', perZone, ms };
}
