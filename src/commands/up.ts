import { loadLab, type LoadedLab } from '../config/labs.ts';
import type { ServerStat } from '../core/haproxy-stats.ts';
import type { Context } from '../context.ts';
import { defaultProject, type RenderFlags, type RenderOptions } from '../core/options.ts';
import { tryNext } from '../core/report.ts';
import { HAPROXY_APP_PORT, HAPROXY_STATS_PORT } from '../core/render-haproxy.ts';
import { composeVersion, runCompose } from '../docker/compose.ts';
import { resolveEndpoint, type Endpoint } from '../docker/endpoint.ts';
import { labContainers, type LabContainer } from '../docker/engine.ts';
import { InterruptedError, UsageError } from '../errors.ts';
import { confirmConfig } from '../haproxy/confirm-config.ts';
import { statsPageUrl, type StatsEndpoint } from '../haproxy/stats-client.ts';
import { withProjectLock } from '../lock.ts';
import { checkPortsFree, type PortNeed } from '../ports.ts';
import { resolveFlags } from '../render-flags.ts';
import { buildArgs, isLocalEngine, openEngine, refuseForeignInProject, statsEndpoint, waitForReplicasUp, type Engine } from '../runtime.ts';
import { failing } from '../ui/output.ts';
import { resolveWorkspace, writeWorkspace, type Workspace } from '../workspace.ts';

export interface UpOptions extends RenderFlags {
  lab: string;
  workspace?: string;
  timeout?: string;
  pull?: 'missing' | 'never' | 'always';
}

/** --timeout in whole seconds, 1 to 3600: 0.01 would give up before any container could start. */
export const parseTimeout = (raw: string | undefined, fallback: number): number => {
  const n = raw === undefined ? fallback : /^\s*[0-9]+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 3600) throw new UsageError(`--timeout must be a whole number of seconds from 1 to 3600, got "${raw}"`, { hint: 'Try --timeout 90' });
  return n * 1000;
};

/**
 * Start a lab, or converge a running one to the requested options, and wait until HAProxy
 * has every replica UP.
 */
export async function up(ctx: Context, opts: UpOptions): Promise<void> {
  const loaded = loadLab(opts.lab);
  const options = resolveFlags(ctx, loaded.lab, opts);
  const timeoutMs = parseTimeout(opts.timeout, 90);
  const ws = resolveWorkspace(ctx.env, options.project, opts.workspace);
  const endpoint = await resolveEndpoint(ctx.env, ctx.host);
  const started = await withProjectLock(ctx, endpoint, options.project, `up ${opts.lab}`, () =>
    startLab(ctx, { loaded, options, ws, timeoutMs, pull: opts.pull ?? 'missing', endpoint }),
  );
  report(ctx, started);
}

export interface StartRequest {
  loaded: LoadedLab;
  options: RenderOptions;
  ws: Workspace;
  timeoutMs: number;
  pull: 'missing' | 'never' | 'always';
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
  containers: LabContainer[];
  servers: ServerStat[];
  timings: { composeMs: number; readyMs: number; totalMs: number };
}

/** The work of `up` without the printing of its result; `lab test` runs it too. The caller holds the lock. */
export async function startLab(ctx: Context, r: StartRequest): Promise<Started> {
  const t0 = performance.now();
  const { loaded, options, ws } = r;
  const short = loaded.lab.id.slice(0, 2);
  const check = ctx.out.step('Checking the Docker engine and Compose');
  const engine: Engine = r.engine ?? (await failing(check, openEngine(ctx, r.endpoint)));
  const [compose, existing] = await failing(check, Promise.all([composeVersion(engine.endpoint, ctx.signal), labContainers(engine.docker, options.project), refuseForeignInProject(engine, options.project, short)]));
  // Ports can be probed only on this machine; a remote engine reports a taken port itself.
  if (isLocalEngine(engine.endpoint)) {
    await failing(check, checkPortsFree(engine.docker, portNeeds(options), new Set(existing.map((c) => c.id))));
  }
  if (ctx.signal.aborted) {
    check.fail();
    throw new InterruptedError('Interrupted while checking the Docker engine and Compose', { details: ['Nothing was started or written'] });
  }
  check.succeed(`Docker engine at ${engine.endpoint.host}, Compose ${compose.version}`);

  const { cfgChanged, configId } = await writeWorkspace(ws, loaded, options, !isLocalEngine(engine.endpoint));
  const start = ctx.out.step(`${existing.length ? 'Converging' : 'Starting'} ${options.replicas} replica(s) and HAProxy`);
  const composeStart = performance.now();
  try {
    const noBuild = await buildArgs(engine, loaded, options);
    await runCompose(engine.endpoint, { project: options.project, file: ws.composeFile }, ['up', '--detach', '--remove-orphans', '--pull', r.pull, ...noBuild], ctx);
  } catch (e) {
    start.fail();
    if (e instanceof InterruptedError) e.details.push(`Nothing is left half-done that lab can't handle: run lab up ${short} again, or lab down ${short}`);
    throw e;
  }
  const composeMs = performance.now() - composeStart;
  const containers = await labContainers(engine.docker, options.project);
  start.succeed(`Containers running (${Math.round(composeMs)} ms)`);

  const wait = ctx.out.step(`Waiting for HAProxy to see ${options.replicas} replica(s) UP`);
  // Ready means HAProxy runs the file just written (it serves its id back), then has every replica UP.
  const waitStart = performance.now();
  const deadline = waitStart + r.timeoutMs;
  const { haproxy, stats, ready } = await failing(wait, (async () => {
    const confirmed = await confirmConfig(ctx, engine, { project: options.project, composeFile: ws.composeFile, options, expected: configId, before: existing, cfgChanged, deadline, timeoutMs: r.timeoutMs, progress: wait });
    const ready = await waitForReplicasUp(engine, { stats: confirmed.stats, project: options.project, replicas: options.replicas, timeoutMs: Math.max(0, deadline - performance.now()), progress: wait, signal: ctx.signal });
    return { ...confirmed, ready };
  })().catch((e: unknown) => {
    if (e instanceof InterruptedError) e.details.push(`The containers are running: run lab up ${short} again to wait for them, or lab down ${short}`);
    throw e;
  }));
  // The whole wait for HAProxy: confirming its configuration, then the replicas' checks.
  const readyMs = performance.now() - waitStart;
  wait.succeed(`HAProxy has ${options.replicas} replica(s) UP (${Math.round(readyMs)} ms)`);
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
    containers,
    servers: ready.servers,
    timings: { composeMs, readyMs, totalMs: performance.now() - t0 },
  };
}

const portNeeds = (o: RenderOptions): PortNeed[] => {
  const host = o.expose ? '0.0.0.0' : '127.0.0.1';
  return [
    ...(o.appPort === null ? [] : [{ port: o.appPort, option: '--app-port', host }]),
    ...(o.statsPort === null ? [] : [{ port: o.statsPort, option: '--stats-port', host }]),
  ];
};

function report(ctx: Context, r: Started): void {
  const { out } = ctx;
  const appUrl = r.appUrl;
  const statsUrl = statsPageUrl(r.stats);
  const byIp = new Map(r.containers.map((c) => [c.ip, c.name]));
  out.data({
    outcome: 'success',
    lab: r.lab,
    project: r.options.project,
    workspace: r.ws.dir,
    options: { ...r.options, statsPassword: undefined },
    urls: { app: appUrl, stats: statsUrl },
    stats: { user: r.options.statsUser, password: r.options.statsPassword },
    servers: r.servers.filter((s) => s.status.startsWith('UP')).map((s) => ({ server: s.svname, addr: s.addr, status: s.status, container: byIp.get(s.addr?.split(':')[0]) })),
    timingsMs: Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, Math.round(v)])),
  });
  const o = r.options;
  out.result(`\n${out.c.bold(`Lab ${r.lab} is up`)}: ${o.replicas} replica(s) behind HAProxy (balance ${o.algorithm}, mode ${o.mode}${o.sticky ? ', sticky cookie' : ''})\n`);
  out.result(`  App:    ${out.c.cyan(appUrl)}`);
  out.result(`  Stats:  ${out.c.cyan(statsUrl)}  (${o.statsUser}:${o.statsPassword})`);
  out.result(`  Files:  ${r.ws.dir}\n`);
  for (const line of tryNext(r.short, o.project, defaultProject(r.lab), o.replicas, appUrl, out.c)) out.result(line);
}
