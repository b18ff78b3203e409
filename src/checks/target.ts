import type { Context } from '../cli/context.ts';
import { HAPROXY_APP_PORT } from '../core/render-haproxy.ts';
import type { RenderOptions } from '../core/options.ts';
import { readLab } from '../config/labs.ts';
import { APP_SERVICE, defaultService, labServices } from '../core/services.ts';
import type { LabContainer } from '../docker/engine.ts';
import type { StatsEndpoint } from '../haproxy/stats-client.ts';
import { EnvironmentError, RuntimeError, UsageError } from '../core/errors.ts';
import { unreachablePorts } from '../core/published-host.ts';
import { publishedHost, type Engine } from '../engine/engine.ts';
import { runningProject, statsEndpoint } from '../engine/project.ts';
import { projectWorkspace } from '../engine/workspace.ts';

/** A running lab, as the checks see it. */
export interface CheckTarget {
  engine: Engine;
  project: string;
  options: RenderOptions;
  stats: StatsEndpoint;
  appUrl: string;
  haproxy: LabContainer;
  apps: LabContainer[];
  /** The service the app port's `/` reaches (the lab's default service): the backend distribution and failover judge. */
  backend: string;
}

/** The lab's default service, from the lab file the lab was started with; app when it can't be read. */
function defaultBackend(labFile: string): string {
  const { lab } = readLab(labFile);
  return lab ? defaultService(labServices(lab.lab)).name : APP_SERVICE;
}

export async function checkTarget(ctx: Context, engine: Engine, project: string, ref: string): Promise<CheckTarget> {
  const { haproxy, apps } = await runningProject(engine, project, ref);
  const { ws, state } = await projectWorkspace(ctx, project, haproxy);
  if (!state) throw new UsageError(`The workspace of ${project} (${ws.dir}) is gone, so lab can't tell how it was configured`, { hint: `Run lab up ${ref} again` });
  // Checks send their traffic from this machine: a remote lab on its own loopback is out of reach.
  const unreachable = unreachablePorts(engine.endpoint.host, state.options.expose);
  if (unreachable) {
    throw new EnvironmentError(`Cannot grade or check ${project}: ${unreachable}`, { hint: `Start it with --expose: lab --host ${engine.endpoint.host} up ${ref} --expose (or lab --hosts <file> up ${ref} --expose)` });
  }
  const appPort = haproxy.ports[HAPROXY_APP_PORT];
  if (!appPort) throw new RuntimeError(`HAProxy (${haproxy.name}) publishes no app port (state: ${haproxy.state})`, { hint: `Run lab up ${ref} again` });
  return {
    engine,
    project,
    options: state.options,
    stats: statsEndpoint(engine, haproxy, state.options),
    appUrl: `http://${publishedHost(engine.endpoint)}:${appPort}/`,
    haproxy,
    apps,
    backend: defaultBackend(state.labFile),
  };
}
