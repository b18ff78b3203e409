import type { Context } from '../cli/context.ts';
import type { LoadedLab } from '../config/labs.ts';
import { EnvironmentError, InterruptedError, RuntimeError } from '../core/errors.ts';
import { shortId } from '../core/lab-id.ts';
import type { RenderOptions } from '../core/options.ts';
import { refuseProblems, swarmProblems, taskProblem } from '../core/swarm.ts';
import type { Endpoint } from '../docker/endpoint.ts';
import { listNodes, stackDeploy, stackServices, swarmRole } from '../docker/swarm.ts';
import { failing, type Progress } from '../ui/output.ts';
import { type Engine, openSwarmEngine } from './engine.ts';
import { readSwarmView, type SwarmView, swarmReady } from './swarm-view.ts';
import { writeSwarmWorkspace } from './swarm-workspace.ts';
import { type NodeHosts, stackImages } from '../core/swarm-images.ts';
import { ensureSwarmImages, type ImagesOnNodes } from './swarm-images.ts';
import type { Workspace } from './workspace.ts';

export interface SwarmStartRequest {
  loaded: LoadedLab;
  options: RenderOptions;
  ws: Workspace;
  timeoutMs: number;
  zoneLabel: string;
  endpoint: Endpoint;
  /** How lab reaches each node's engine to copy images there (--node-host); empty: it does not copy. */
  nodeHosts: NodeHosts;
}

export interface SwarmStarted {
  lab: string;
  short: string;
  options: RenderOptions;
  ws: Workspace;
  view: SwarmView;
  images: ImagesOnNodes;
  timings: { imagesMs: number; deployMs: number; readyMs: number; totalMs: number };
}

/**
 * Refuse, before anything is written or deployed, a swarm lab cannot run on: not a manager,
 * too few nodes, nodes without a zone, or a stack of the same name that is not lab's.
 */
export async function preflightSwarm(engine: Engine, project: string, zoneLabel: string): Promise<void> {
  const role = await swarmRole(engine.docker);
  const nodes = role === 'manager' ? await listNodes(engine.docker) : [];
  refuseProblems(swarmProblems({ host: engine.endpoint.host, swarm: role, nodes, zoneLabel }));
  const { foreign } = await stackServices(engine.docker, project);
  if (foreign.length) {
    throw new EnvironmentError(
      `The swarm already runs a stack named ${project} that lab did not deploy (${foreign[0]!.name}: ${foreign[0]!.why})`,
      { hint: 'Choose another name with --project; lab never changes a stack it did not deploy' },
    );
  }
}

/** Deploy a lab as a stack to the swarm lab talks to and wait until every HAProxy has every replica UP. The caller holds the project's lock. */
export async function startSwarmLab(ctx: Context, r: SwarmStartRequest): Promise<SwarmStarted> {
  const t0 = performance.now();
  const { loaded, options, ws } = r;
  const short = shortId(loaded.lab.id);
  const check = ctx.out.step('Checking the swarm: manager, nodes, zones');
  const engine = await failing(check, openSwarmEngine(ctx, r.endpoint));
  await failing(check, preflightSwarm(engine, options.project, r.zoneLabel));
  const before = await failing(check, readSwarmView(engine, options.project, options, false));
  const ready = before.nodes.filter((n) => n.state === 'ready').length;
  check.succeed(
    `Swarm manager at ${engine.endpoint.host}: ${ready} node(s) ready, zones by node.labels.${r.zoneLabel}`,
  );

  // The stack file first: rendering refuses what Swarm cannot do (auto ports) before any image is built or copied.
  const place = ctx.out.step('Making sure every node has the images');
  const { file } = await failing(place, writeSwarmWorkspace(ws, loaded, options, r.zoneLabel));
  const i0 = performance.now();
  const images = await failing(
    place,
    ensureSwarmImages(
      ctx,
      engine,
      stackImages(loaded.lab, options.images, loaded.builds),
      before.nodes,
      r.nodeHosts,
      place,
    ),
  );
  const imagesMs = performance.now() - i0;
  place.succeed(imagesSummary(images, Math.round(imagesMs)));

  const deploy = ctx.out.step(
    `Deploying ${options.replicas} replica(s) and one HAProxy per node (docker stack deploy ${options.project})`,
  );
  const d0 = performance.now();
  await failing(
    deploy,
    stackDeploy(engine.endpoint, options.project, ws.dir, file, { out: ctx.out, signal: ctx.signal }),
  );
  const deployMs = performance.now() - d0;
  deploy.succeed(`Stack ${options.project} deployed (${Math.round(deployMs)} ms)`);

  const wait = ctx.out.step(`Waiting for HAProxy on every node to see ${options.replicas} replica(s) UP`);
  const w0 = performance.now();
  const seen = new Set(before.tasks.map((t) => t.id));
  const view = await failing(wait, waitReady(ctx, engine, r, seen, wait)).catch((e: unknown) => {
    if (e instanceof InterruptedError || e instanceof RuntimeError || e instanceof EnvironmentError)
      e.details.push(
        `The stack stays deployed: lab status ${short} --target swarm shows it, lab down ${short} --target swarm removes it`,
      );
    throw e;
  });
  const readyMs = performance.now() - w0;
  wait.succeed(
    `HAProxy on ${view.haproxies.length} node(s) has ${options.replicas} replica(s) UP (${Math.round(readyMs)} ms)`,
  );
  return {
    lab: loaded.lab.id,
    short,
    options,
    ws,
    view,
    images,
    timings: { imagesMs, deployMs, readyMs, totalMs: performance.now() - t0 },
  };
}

/** What the images step did, in a line. */
function imagesSummary(i: ImagesOnNodes, ms: number): string {
  const parts = [
    ...(i.built.length ? [`built ${i.built.join(', ')}`] : []),
    ...(i.copied.length ? [`copied ${i.copied.map((c) => `${c.images.length} to ${c.node}`).join(', ')}`] : []),
    ...(i.unreached.length ? [`not checked on ${i.unreached.join(', ')} (no --node-host)`] : []),
  ];
  return `Images: ${parts.join('; ') || 'every node has them'} (${ms} ms)`;
}

/** How long a scheduling problem may last before it is reported: a port held by a stack being removed frees within seconds. */
const TRANSIENT_MS = 15_000;

/**
 * Wait until every replica runs and every node's HAProxy has them all UP (swarmReady); a task
 * problem only an operator can fix stops it at once. Tasks in `seen` (earlier deploys) are ignored.
 */
export async function waitReady(
  ctx: Context,
  engine: Engine,
  r: Pick<SwarmStartRequest, 'loaded' | 'options' | 'timeoutMs'>,
  seen: Set<string>,
  progress: Progress,
): Promise<SwarmView> {
  const deadline = performance.now() + r.timeoutMs;
  let last = '';
  const firstSeen = new Map<string, number>();
  for (;;) {
    if (ctx.signal.aborted) throw new InterruptedError('Interrupted while waiting for the replicas');
    const view = await readSwarmView(engine, r.options.project, r.options);
    // A task Swarm cannot start for a reason only the operator can fix (an image missing on a
    // node, a taken port): say so now rather than at the timeout. Tasks of earlier deploys are ignored.
    for (const t of view.tasks.filter((x) => !seen.has(x.id))) {
      const p = taskProblem(
        t,
        view.nodes.find((n) => n.id === t.nodeId),
      );
      if (!p) continue;
      if (!firstSeen.has(p.detail)) firstSeen.set(p.detail, performance.now());
      if (!p.transient || performance.now() - firstSeen.get(p.detail)! > TRANSIENT_MS)
        throw new EnvironmentError(p.detail, { hint: p.fix });
    }
    const s = swarmReady(view, r.options.replicas);
    if (s.ready) return view;
    last = `${s.running}/${r.options.replicas} replica(s) running, HAProxy on ${s.haproxies} node(s) seeing ${s.upPerNode.join('/') || '0'} UP`;
    progress.update(last);
    if (performance.now() > deadline) {
      const errors = view.haproxies.filter((h) => h.error).map((h) => `${h.node.hostname}: ${h.error}`);
      throw new RuntimeError(`Not ready within ${r.timeoutMs / 1000} s: ${last}`, {
        details: errors,
        hint: `lab status ${shortId(r.loaded.lab.id)} --target swarm shows the tasks per node`,
      });
    }
    await new Promise((res) => setTimeout(res, 250));
  }
}
