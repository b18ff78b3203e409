import type { Context } from '../cli/context.ts';
import { HAPROXY_APP_PORT } from '../core/render-haproxy.ts';
import { CLIENT_SERVICE } from '../core/render-clients.ts';
import type { RenderOptions } from '../core/options.ts';
import { readLab } from '../config/labs.ts';
import { APP_SERVICE, defaultService, type LabService, labServices } from '../core/services.ts';
import type { LabContainer } from '../docker/engine.ts';
import type { StatsEndpoint } from '../haproxy/stats-client.ts';
import { EnvironmentError, RuntimeError, UsageError } from '../core/errors.ts';
import { unreachablePorts } from '../core/published-host.ts';
import { publishedHost, type Engine } from '../engine/engine.ts';
import { runningProject, statsEndpoint } from '../engine/project.ts';
import { projectWorkspace } from '../engine/workspace.ts';
import { clientsSource } from '../traffic/clients.ts';
import { loopbackSource } from '../traffic/loopback.ts';
import type { TrafficSource } from '../traffic/source.ts';
import type { TrafficRoute } from '../core/traffic-route.ts';
import { routeCache } from './route.ts';

/** A running lab, as the checks see it. */
export interface CheckTarget {
  engine: Engine;
  project: string;
  options: RenderOptions;
  stats: StatsEndpoint;
  appUrl: string;
  haproxy: LabContainer;
  apps: LabContainer[];
  /** The service the app port's `/` reaches (the lab's default service): the backend distribution and failover judge unless they name a service. */
  backend: string;
  /** The lab file's services and their generated-mode path prefixes (core/services.ts checkAim). */
  services: Pick<LabService, 'name' | 'path'>[];
  /** The student writes haproxy.cfg (loadBalancer.config: student): its proxies are named by the student, not after the services. */
  student: boolean;
  /** The frontend and backend the traffic of `service` (to `path`) really goes through (checks/route.ts), whatever their names. */
  route(service: string, path: string, signal?: AbortSignal): Promise<TrafficRoute>;
  /** Where the checks' traffic comes from: the lab's clients, or this machine. */
  traffic: TrafficSource;
  /** The same, to another of HAProxy's ports (a frontend the student binds, e.g. :8081); throws without clients. */
  trafficAt(port: number | undefined): TrafficSource;
}

/** The lab's services, from the lab file the lab was started with (app alone when it can't be read), and whether the student writes its haproxy.cfg. */
function servicesOf(labFile: string): { services: Pick<LabService, 'name' | 'path'>[]; student: boolean } {
  const { lab } = readLab(labFile);
  if (!lab) return { services: [{ name: APP_SERVICE }], student: false };
  return {
    services: labServices(lab.lab).map(({ name, path }) => ({ name, path })),
    student: lab.lab.loadBalancer.config === 'student',
  };
}

/** One of HAProxy's ports as the clients reach it, by its compose service name in the lab network. */
const inNetworkUrl = (port: number) => `http://haproxy:${port}/`;
const IN_NETWORK_URL = inNetworkUrl(HAPROXY_APP_PORT);

export async function checkTarget(ctx: Context, engine: Engine, project: string, ref: string): Promise<CheckTarget> {
  const { haproxy, apps, all } = await runningProject(engine, project, ref);
  const { ws, state } = await projectWorkspace(ctx, project, haproxy);
  if (!state)
    throw new UsageError(`The workspace of ${project} (${ws.dir}) is gone, so lab can't tell how it was configured`, {
      hint: `Run lab up ${ref} again`,
    });
  const stats = statsEndpoint(engine, haproxy, state.options);
  const appPort = haproxy.ports[HAPROXY_APP_PORT];
  const appUrl = appPort ? `http://${publishedHost(engine.endpoint)}:${appPort}/` : IN_NETWORK_URL;
  const { services, student } = servicesOf(state.labFile);
  const base = {
    engine,
    project,
    options: state.options,
    stats,
    appUrl,
    haproxy,
    apps,
    backend: defaultService(services).name,
    services,
    student,
  };
  // HAProxy's stats are read from this machine: a remote lab on its own loopback is out of reach.
  const unreachable = unreachablePorts(engine.endpoint.host, state.options.expose);
  if (unreachable) {
    throw new EnvironmentError(`Cannot grade or check ${project}: ${unreachable}`, {
      hint: `Start it with --expose: lab --host ${engine.endpoint.host} up ${ref} --expose (or lab --hosts <file> up ${ref} --expose)`,
    });
  }
  // The one place that decides where traffic comes from: the lab's clients when it has them
  // (inside the lab network, from their own IPs), else this machine through the published port.
  const clients = all.filter((c) => c.service === CLIENT_SERVICE && c.state === 'running');
  if (clients.length) {
    const traffic = clientsSource(engine.docker, clients, IN_NETWORK_URL);
    const trafficAt = (port: number | undefined) =>
      port === undefined || port === HAPROXY_APP_PORT
        ? traffic
        : clientsSource(engine.docker, clients, inNetworkUrl(port));
    return { ...base, traffic, trafficAt, route: routeCache({ ...base, traffic }) };
  }
  if (!appPort)
    throw new RuntimeError(`HAProxy (${haproxy.name}) publishes no app port (state: ${haproxy.state})`, {
      hint: `Run lab up ${ref} again`,
    });
  const traffic = loopbackSource(appUrl);
  // Only the app port is published: another port of HAProxy is reached from inside the lab network.
  const trafficAt = (port: number | undefined) => {
    if (port === undefined || port === HAPROXY_APP_PORT) return traffic;
    throw new UsageError(
      `This check sends to HAProxy's port ${port}, which lab reaches only from the lab's clients inside its network, and ${project} runs none`,
      { hint: 'Give the lab clients: (e.g. clients: 2) in its lab file, then run lab up again' },
    );
  };
  return { ...base, traffic, trafficAt, route: routeCache({ ...base, traffic }) };
}
