import type Dockerode from 'dockerode';
import type { LoadedLab } from './config/labs.ts';
import type { Context } from './context.ts';
import { substitute } from './core/images.ts';
import { IMAGE_LABEL } from './core/labels.ts';
import type { RenderOptions } from './core/options.ts';
import { backendServers, checkedUp, type ServerStat } from './core/haproxy-stats.ts';
import { HAPROXY_STATS_PORT } from './core/render-haproxy.ts';
import { connect, containerLogs, foreignInProject, labContainers, type LabContainer } from './docker/engine.ts';
import { resolveEndpoint, type Endpoint } from './docker/endpoint.ts';
import { EnvironmentError, InterruptedError, RuntimeError, UsageError } from './errors.ts';
import { readStats, type StatsEndpoint } from './haproxy/stats-client.ts';
import type { Progress } from './ui/output.ts';
import type { WorkspaceState } from './workspace.ts';

export interface Engine {
  endpoint: Endpoint;
  docker: Dockerode;
}

/** Connect to the engine; `resolved` when the caller already resolved it (to take its lock first). */
export async function openEngine(ctx: Context, resolved?: Endpoint): Promise<Engine> {
  const endpoint = resolved ?? (await resolveEndpoint(ctx.env, ctx.host));
  return { endpoint, docker: await connect(endpoint) };
}

/**
 * Compose's build flag for the app image: --no-build when the image present was built from
 * this same build context (its hash label matches), else --build. Compose 2.26 alone never
 * rebuilds an image that exists, even with pull_policy: build, so a changed app would
 * otherwise keep running its old code. An image built by an earlier lab (its hash under the
 * old label name, next to lab.managed) is rebuilt too, so its containers stop inheriting lab.managed.
 */
export async function buildArgs(engine: Engine, loaded: LoadedLab, options: RenderOptions): Promise<string[]> {
  if (!loaded.buildHash) return [];
  const info = await engine.docker.getImage(substitute(loaded.lab.app.image, options.images)).inspect().catch(() => undefined);
  return [info?.Config?.Labels?.[IMAGE_LABEL.buildHash] === loaded.buildHash ? '--no-build' : '--build'];
}

/**
 * Before compose touches a project: refuse when a container that is not lab's carries the
 * project's compose labels (docker/engine.ts foreignInProject), rather than let compose take it
 * for a replica and recreate or remove it. Nothing is started or deleted.
 */
export async function refuseForeignInProject(engine: Engine, project: string, short: string): Promise<void> {
  const foreign = await foreignInProject(engine.docker, project);
  if (foreign.length === 0) return;
  const first = foreign[0]!;
  throw new EnvironmentError(
    `${foreign.length > 1 ? `Containers ${first.name} and ${foreign.length - 1} more carry` : `Container ${first.name} carries`} the compose labels of project ${project} but lab did not create it (they come from its image ${first.image}, e.g. a docker commit of a lab container): docker compose would take it for a replica of the lab and could recreate or remove it`,
    { details: foreign.map((f) => `${f.name} (image ${f.image})`), hint: `Run the lab under another project: lab up ${short} --project ${project}-2; or, if the container is yours to remove: docker rm -f ${foreign.map((f) => f.name).join(' ')}` },
  );
}

/** An engine on this machine (a socket), which can bind-mount this machine's files. */
export const isLocalEngine = (endpoint: Endpoint): boolean => /^(unix|npipe):/.test(endpoint.host);

/** The host name the published ports of an engine are reached on. */
export const publishedHost = (endpoint: Endpoint): string => (isLocalEngine(endpoint) ? '127.0.0.1' : new URL(endpoint.host).hostname);

export function statsEndpoint(engine: Engine, haproxy: LabContainer, state: Pick<WorkspaceState['options'], 'statsUser' | 'statsPassword'>): StatsEndpoint {
  const port = haproxy.ports[HAPROXY_STATS_PORT];
  if (!port) throw new RuntimeError(`HAProxy (${haproxy.name}) publishes no stats port; is it running? (state: ${haproxy.state})`, { hint: 'Run lab up again to converge the lab' });
  return { host: publishedHost(engine.endpoint), port, user: state.statsUser, password: state.statsPassword };
}

/** The containers of a running project, or a clear error when nothing runs. */
export async function runningProject(engine: Engine, project: string, labRef: string): Promise<{ all: LabContainer[]; haproxy: LabContainer; apps: LabContainer[] }> {
  const all = await labContainers(engine.docker, project);
  const haproxy = all.find((c) => c.service === 'haproxy');
  if (!haproxy) {
    throw new UsageError(`Lab ${labRef} is not running (no containers of project ${project})`, { hint: `Start it with: lab up ${labRef}` });
  }
  return { all, haproxy, apps: all.filter((c) => c.service === 'app') };
}

export interface WaitOptions {
  stats: StatsEndpoint;
  project: string;
  replicas: number;
  timeoutMs: number;
  progress: Progress;
  signal: AbortSignal;
}

/**
 * Wait until HAProxy's stats show `replicas` servers UP: not merely the containers running,
 * but HAProxy having found each through DNS and passed its health check.
 */
export async function waitForReplicasUp(engine: Engine, o: WaitOptions): Promise<{ servers: ServerStat[]; ms: number }> {
  const t0 = performance.now();
  let servers: ServerStat[] = [];
  let statsError: string | undefined;
  let lastContainerCheck = 0;
  for (;;) {
    if (o.signal.aborted) throw new InterruptedError('Interrupted while waiting for the replicas');
    try {
      servers = backendServers(await readStats(o.stats, 1000));
      statsError = undefined;
      const up = servers.filter(checkedUp).length;
      // After a scale-down the removed replicas stay `UP 1/2` (still taking traffic) until
      // their checks fail: ready only when nothing else is in rotation either.
      const serving = servers.filter((s) => s.state === 'UP').length;
      if (up === o.replicas && serving === o.replicas) return { servers, ms: performance.now() - t0 };
      o.progress.update(`Waiting for HAProxy: ${up}/${o.replicas} replicas UP`);
    } catch (e) {
      statsError = (e as Error).message;
      o.progress.update('Waiting for HAProxy to answer on its stats port');
    }
    const elapsed = performance.now() - t0;
    if (elapsed - lastContainerCheck > 2000) {
      lastContainerCheck = elapsed;
      await failIfContainersDied(engine, o.project);
    }
    if (elapsed > o.timeoutMs) throw await notReady(engine, o, servers, statsError);
    // Polling the stats CSV costs HAProxy next to nothing; a short interval trims the wait.
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function failIfContainersDied(engine: Engine, project: string): Promise<void> {
  const dead = (await labContainers(engine.docker, project)).filter((c) => c.state === 'exited' || c.state === 'dead' || c.status.includes('Restarting'));
  if (dead.length === 0) return;
  const first = dead[0]!;
  const logs = await containerLogs(engine.docker, first.id, 15).catch(() => []);
  throw new RuntimeError(`Container ${first.name} stopped (${first.status})${dead.length > 1 ? ` and ${dead.length - 1} more` : ''}`, {
    details: [`last log lines of ${first.name}:`, ...logs.map((l) => `  ${l}`)],
    hint: `See all logs with: lab logs ${project.replace(/^lab-/, '')}${first.service ? ` ${first.service}` : ''}`,
  });
}

/** Explain a readiness timeout: which replica is not UP, what HAProxy's check says, its logs. */
async function notReady(engine: Engine, o: WaitOptions, servers: ServerStat[], statsError?: string): Promise<RuntimeError> {
  const seconds = Math.round(o.timeoutMs / 1000);
  const containers = await labContainers(engine.docker, o.project);
  if (statsError) {
    const haproxy = containers.find((c) => c.service === 'haproxy');
    const logs = haproxy ? await containerLogs(engine.docker, haproxy.id, 15).catch(() => []) : [];
    return new RuntimeError(`Not ready after ${seconds} s: ${statsError}`, { details: haproxy ? [`last log lines of ${haproxy.name}:`, ...logs.map((l) => `  ${l}`)] : [] });
  }
  const upIps = new Set(servers.filter(checkedUp).map((s) => s.addr?.split(':')[0]));
  const notUp = containers.filter((c) => c.service === 'app' && !upIps.has(c.ip));
  const details: string[] = [];
  for (const c of notUp.slice(0, 3)) {
    const server = servers.find((s) => s.addr?.split(':')[0] === c.ip);
    details.push(`${c.name} (${c.ip ?? 'no IP'}, ${c.state}): ${server ? `HAProxy ${server.svname} is ${server.status}, check: ${server.checkStatus ?? '?'} ${server.checkDesc ?? ''}`.trim() : 'HAProxy has not found it in DNS'}`);
    const logs = await containerLogs(engine.docker, c.id, 10).catch(() => []);
    details.push(...logs.map((l) => `    ${l}`));
  }
  const up = servers.filter(checkedUp).length;
  return new RuntimeError(`Not ready after ${seconds} s: HAProxy has ${up} of ${o.replicas} replicas UP`, {
    details,
    hint: 'An app that fails its health check stays DOWN. Look at lab logs, or raise --timeout',
  });
}
