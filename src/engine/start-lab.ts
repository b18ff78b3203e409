import type { Context } from '../cli/context.ts';
import type { LoadedLab } from '../config/labs.ts';
import type { PullPolicy } from '../core/compose-up-args.ts';
import { InterruptedError } from '../core/errors.ts';
import { addrIp, allBackendServers, checkedUp, type ServerStat } from '../core/haproxy-servers.ts';
import { shortId } from '../core/lab-id.ts';
import { describeReplicas, replicaCounts } from '../core/services.ts';
import type { RenderOptions } from '../core/options.ts';
import { HAPROXY_APP_PORT } from '../core/render-haproxy.ts';
import { ensureCompose } from '../docker/compose.ts';
import type { Endpoint } from '../docker/endpoint.ts';
import { type LabContainer, labContainers } from '../docker/engine.ts';
import { readStats, type StatsEndpoint } from '../haproxy/stats-client.ts';
import { failing } from '../ui/output.ts';
import { confirmConfig } from './confirm-config.ts';
import { converge } from './converge.ts';
import { type Engine, isLocalEngine, openEngine, refuseRootlessLimits } from './engine.ts';
import { labServices } from '../core/services.ts';
import { checkPortsFree, type PortNeed } from './ports.ts';
import { failIfContainersDied } from './not-ready.ts';
import { refuseForeignInProject } from './project.ts';
import { waitForReplicasUp } from './readiness.ts';
import { checkEditedStudentFile } from './student-check.ts';
import { waitForClients } from './clients-ready.ts';
import type { Workspace } from './workspace.ts';

export interface StartRequest {
  loaded: LoadedLab;
  options: RenderOptions;
  ws: Workspace;
  timeoutMs: number;
  pull: PullPolicy;
  engine?: Engine;
  endpoint?: Endpoint;
}

export interface Started {
  lab: string;
  short: string;
  options: RenderOptions;
  ws: Workspace;
  engine: Engine;
  haproxy: LabContainer;
  stats: StatsEndpoint;
  appUrl: string;
  /** Student mode: the student's haproxy.cfg in the workspace. */
  studentConfig?: string;
  containers: LabContainer[];
  /** Each service's replicas (core/services.ts replicaCounts). */
  counts: { service: string; replicas: number }[];
  servers: ServerStat[];
  /** studentCheckMs: lab up's `haproxy -c` of an edited student file, while the ports were probed (0: not run). */
  timings: { composeMs: number; readyMs: number; totalMs: number; studentCheckMs: number };
}

/**
 * Start a lab, or converge a running one to the requested options, and wait until HAProxy has
 * every replica UP: the work of `lab up` without printing its result (`lab test` runs it too).
 * The caller holds the project's lock.
 */
export async function startLab(ctx: Context, r: StartRequest): Promise<Started> {
  const t0 = performance.now();
  const { loaded, options, ws } = r;
  const short = shortId(loaded.lab.id);
  const check = ctx.out.step('Checking the Docker engine and Compose');
  const engine: Engine = r.engine ?? (await failing(check, openEngine(ctx, r.endpoint)));
  const needs = { ports: portNeeds(options), cpuLimits: labServices(loaded.lab).some((s) => s.cpus !== undefined) };
  const [, existing] = await failing(
    check,
    Promise.all([
      ensureCompose(engine.endpoint, ctx.signal),
      labContainers(engine.docker, options.project),
      refuseForeignInProject(engine, options.project, short),
      refuseRootlessLimits(engine, needs),
    ]),
  );
  // Ports can be probed only on this machine; a remote engine reports a taken port itself.
  // A student's edited haproxy.cfg is checked by HAProxy before anything starts, while the ports are probed.
  const running = existing.find((c) => c.service === 'haproxy' && c.state === 'running');
  // Local engines only: it bind-mounts this machine's files, as student mode does (workspace.ts refuses a remote one).
  const studentCheck =
    loaded.starter && isLocalEngine(engine.endpoint)
      ? checkEditedStudentFile(engine, { loaded, options, ws, haproxyId: running?.id })
      : Promise.resolve(undefined);
  const ports = isLocalEngine(engine.endpoint)
    ? checkPortsFree(engine.docker, portNeeds(options), new Set(existing.map((c) => c.id)))
    : Promise.resolve();
  const tc = performance.now();
  const [checkedStudent] = await failing(check, Promise.all([studentCheck, ports]));
  const studentCheckMs = checkedStudent === 'checked' ? performance.now() - tc : 0;
  if (ctx.signal.aborted) {
    check.fail();
    throw new InterruptedError('Interrupted while checking the Docker engine and Compose', {
      details: ['Nothing was started or written'],
    });
  }
  check.succeed(
    `${engine.kind === 'podman' ? 'Podman' : 'Docker'} engine at ${engine.endpoint.host}${checkedStudent === 'checked' ? `; HAProxy accepts your haproxy.cfg (${Math.round(studentCheckMs)} ms)` : ''}`,
  );

  const counts = replicaCounts(loaded.lab, options);
  const start = ctx.out.step(`${existing.length ? 'Converging' : 'Starting'} ${describeReplicas(counts)} and HAProxy`);
  let converged: Awaited<ReturnType<typeof converge>>;
  try {
    converged = await converge(ctx, engine, { loaded, options, ws, pull: r.pull });
  } catch (e) {
    start.fail();
    if (e instanceof InterruptedError)
      e.details.push(
        `Nothing is left half-done that lab can't handle: run lab up ${short} again, or lab down ${short}`,
      );
    throw e;
  }
  const { cfgChanged, configId, composeMs } = converged;
  const containers = await labContainers(engine.docker, options.project);
  start.succeed(`Containers running (${Math.round(composeMs)} ms)`);

  // Student mode: the student's file decides what HAProxy balances (a starter has no backend,
  // so 0 replicas UP is by design): ready once HAProxy runs both files and the apps run.
  const student = Boolean(loaded.starter);
  const wait = ctx.out.step(
    student
      ? 'Waiting for HAProxy to run 00-lab.cfg and your haproxy.cfg'
      : `Waiting for HAProxy to see ${describeReplicas(counts)} UP`,
  );
  // Ready means HAProxy runs the file just written (it serves its id back), then has every replica UP.
  const waitStart = performance.now();
  const deadline = waitStart + r.timeoutMs;
  const { haproxy, stats, ready } = await failing(
    wait,
    (async () => {
      const confirmed = await confirmConfig(ctx, engine, {
        project: options.project,
        composeFile: ws.composeFile,
        cfgFiles: [ws.labCfg, ws.haproxyCfg],
        options,
        expected: configId,
        before: existing,
        cfgChanged,
        deadline,
        timeoutMs: r.timeoutMs,
        progress: wait,
      });
      const ready = student
        ? await studentReady(engine, confirmed.stats, options.project)
        : await waitForReplicasUp(engine, {
            stats: confirmed.stats,
            project: options.project,
            expected: counts,
            timeoutMs: Math.max(0, deadline - performance.now()),
            limitMs: r.timeoutMs,
            progress: wait,
            signal: ctx.signal,
          });
      // The checks send from the clients: ready means they answer too.
      if (loaded.lab.clients)
        await waitForClients(
          engine,
          options.project,
          loaded.lab.clients,
          Math.max(2000, deadline - performance.now()),
          ctx.signal,
        );
      return { ...confirmed, ready };
    })().catch((e: unknown) => {
      if (e instanceof InterruptedError)
        e.details.push(`The containers are running: run lab up ${short} again to wait for them, or lab down ${short}`);
      throw e;
    }),
  );
  // The whole wait for HAProxy: confirming its configuration, then the replicas' checks.
  const readyMs = performance.now() - waitStart;
  // Replicas, not rows: a student's file may put one replica in two backends (an L7 and an L4 one).
  const up = new Set(ready.servers.filter(checkedUp).map((x) => addrIp(x) || `${x.pxname}/${x.svname}`)).size;
  wait.succeed(
    student
      ? `HAProxy runs your haproxy.cfg: ${up} of ${describeReplicas(counts)} UP${inBackends(ready.servers)}${up ? '' : ' (expected until you write it: edit the file, then lab apply)'} (${Math.round(readyMs)} ms)`
      : `HAProxy has ${describeReplicas(counts)} UP (${Math.round(readyMs)} ms)`,
  );
  const host = stats.host === '127.0.0.1' ? 'localhost' : stats.host;
  return {
    lab: loaded.lab.id,
    short,
    options,
    ws,
    engine,
    haproxy,
    stats,
    appUrl: `http://${host}:${haproxy.ports[HAPROXY_APP_PORT]}/`,
    ...(student ? { studentConfig: ws.haproxyCfg } : {}),
    containers,
    counts,
    servers: ready.servers,
    timings: { composeMs, readyMs, totalMs: performance.now() - t0, studentCheckMs },
  };
}

/** Where a student's file put the replicas: " in backend web", " in backends api, web", or nothing. */
const inBackends = (servers: readonly ServerStat[]): string => {
  const names = [...new Set(servers.filter(checkedUp).map((x) => x.pxname))].sort();
  return names.length ? ` in backend${names.length > 1 ? 's' : ''} ${names.join(', ')}` : '';
};

/** Student mode's readiness: the app containers run (HAProxy already serves the new id); what HAProxy sees is reported, not awaited. */
async function studentReady(engine: Engine, stats: StatsEndpoint, project: string): Promise<{ servers: ServerStat[] }> {
  await failIfContainersDied(engine, project);
  return { servers: allBackendServers(await readStats(stats).catch(() => [])) };
}

const portNeeds = (o: RenderOptions): PortNeed[] => {
  const host = o.expose ? '0.0.0.0' : '127.0.0.1';
  return [
    ...(o.appPort === null ? [] : [{ port: o.appPort, option: '--app-port', host }]),
    ...(o.statsPort === null ? [] : [{ port: o.statsPort, option: '--stats-port', host }]),
  ];
};
