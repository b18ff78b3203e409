import type Dockerode from 'dockerode';
import { execa } from 'execa';
import { EnvironmentError, InterruptedError, RuntimeError } from '../core/errors.ts';
import { STACK_NAMESPACE, type SwarmNode, type SwarmTask, whyNotLabsService } from '../core/swarm.ts';
import type { StackObject } from '../core/swarm-reset.ts';
import type { Output } from '../ui/output.ts';
import type { Endpoint } from './endpoint.ts';

/**
 * The one module that talks to Docker Swarm: reads through the manager's API (dockerode),
 * `docker stack deploy` through the CLI, which owns the stack file format; removal through the API.
 */

/** Whether the engine is a swarm manager, a worker, or in no swarm. */
export async function swarmRole(docker: Dockerode): Promise<'manager' | 'worker' | 'none'> {
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
  if (info.Swarm?.LocalNodeState !== 'active') return 'none';
  return info.Swarm.ControlAvailable ? 'manager' : 'worker';
}

interface NodeJson {
  ID: string;
  Description?: { Hostname?: string };
  Status?: { State?: string; Addr?: string };
  Spec?: { Availability?: string; Role?: string; Labels?: Record<string, string> };
  ManagerStatus?: { Addr?: string };
}

export async function listNodes(docker: Dockerode): Promise<SwarmNode[]> {
  const nodes = (await docker.listNodes()) as NodeJson[];
  return nodes
    .map((n) => ({
      id: n.ID,
      hostname: n.Description?.Hostname ?? n.ID.slice(0, 12),
      // A manager may report 0.0.0.0 in Status.Addr (moby/moby#35437): its ManagerStatus has the real one.
      addr:
        (n.Status?.Addr && n.Status.Addr !== '0.0.0.0' ? n.Status.Addr : n.ManagerStatus?.Addr?.split(':')[0]) ?? '',
      state: n.Status?.State ?? 'unknown',
      availability: n.Spec?.Availability ?? 'unknown',
      manager: n.Spec?.Role === 'manager',
      labels: n.Spec?.Labels ?? {},
    }))
    .sort((a, b) => a.hostname.localeCompare(b.hostname));
}

export interface LabService {
  id: string;
  name: string;
  /** The service's name inside the stack: app or haproxy. */
  service: string;
  labels: Record<string, string>;
}

/** The project's services that are lab's own (every service of the stack must be, or down refuses). */
export async function stackServices(
  docker: Dockerode,
  project: string,
): Promise<{ owned: LabService[]; foreign: { name: string; why: string }[] }> {
  const all = (await docker.listServices({ filters: { label: [`${STACK_NAMESPACE}=${project}`] } })) as {
    ID: string;
    Spec?: { Name?: string; Labels?: Record<string, string> };
  }[];
  const owned: LabService[] = [];
  const foreign: { name: string; why: string }[] = [];
  for (const s of all) {
    const labels = s.Spec?.Labels ?? {};
    const name = s.Spec?.Name ?? s.ID;
    const why = whyNotLabsService(labels);
    if (why) foreign.push({ name, why });
    else owned.push({ id: s.ID, name, service: name.slice(project.length + 1), labels });
  }
  return { owned, foreign };
}

interface TaskJson {
  ID: string;
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  DesiredState?: string;
  Status?: { State?: string; Err?: string };
  NetworksAttachments?: { Network?: { Spec?: { Name?: string } }; Addresses?: string[] }[];
}

/** Tasks of the given services; addresses only on the stack's own network `<project>_lab`. */
export async function serviceTasks(
  docker: Dockerode,
  services: readonly LabService[],
  network: string,
): Promise<SwarmTask[]> {
  if (services.length === 0) return [];
  const byId = new Map(services.map((s) => [s.id, s.service]));
  const tasks = (await docker.listTasks({ filters: { service: services.map((s) => s.id) } })) as TaskJson[];
  return tasks.map((t) => ({
    id: t.ID,
    service: byId.get(t.ServiceID) ?? t.ServiceID,
    ...(t.Slot ? { slot: t.Slot } : {}),
    nodeId: t.NodeID ?? '',
    state: t.Status?.State ?? 'unknown',
    desired: t.DesiredState ?? 'unknown',
    ...(t.Status?.Err ? { error: t.Status.Err } : {}),
    addrs: (t.NetworksAttachments ?? [])
      .filter((a) => a.Network?.Spec?.Name === network)
      .flatMap((a) => (a.Addresses ?? []).map((x) => x.split('/')[0]!)),
  }));
}

async function runDocker(
  endpoint: Endpoint,
  argv: string[],
  o: { out: Output; signal?: AbortSignal; cwd?: string; timeoutMs: number },
): Promise<string> {
  o.out.debug(`$ docker ${argv.join(' ')}`);
  const r = await execa('docker', argv, {
    env: endpoint.env,
    cwd: o.cwd,
    reject: false,
    cancelSignal: o.signal,
    timeout: o.timeoutMs,
    forceKillAfterDelay: 3000,
  });
  if (r.isCanceled) throw new InterruptedError(`Interrupted during docker ${argv.slice(0, 2).join(' ')}`);
  if ((r as { code?: string }).code === 'ENOENT')
    throw new EnvironmentError('The docker CLI is not installed', {
      hint: 'Install the docker CLI (it runs docker stack deploy), then run lab doctor --target swarm',
    });
  if (r.failed) {
    const words = String(r.stderr).trim().split('\n').filter(Boolean).slice(-3).join(' / ');
    throw new RuntimeError(
      `docker ${argv.slice(0, 2).join(' ')} failed${r.timedOut ? ` (no answer within ${o.timeoutMs / 1000} s)` : ''}: ${words || `exit ${r.exitCode}`}`,
    );
  }
  return String(r.stdout);
}

/**
 * `docker stack deploy` from the workspace (the stack file names ./haproxy.env and
 * ./haproxy/haproxy.cfg relative to itself). --resolve-image never: the images are on the
 * nodes, and asking a registry for their digests would fail where there is none.
 */
export const stackDeploy = (
  endpoint: Endpoint,
  project: string,
  dir: string,
  file: string,
  o: { out: Output; signal?: AbortSignal },
): Promise<string> =>
  runDocker(
    endpoint,
    ['stack', 'deploy', '--resolve-image', 'never', '--prune', '--detach=true', '--compose-file', file, project],
    { ...o, cwd: dir, timeoutMs: 60_000 },
  );

/**
 * Remove a service by id through the API (404: gone already). Down removes the stack itself
 * rather than through `docker stack rm --detach=false`, whose wait was seen past 60 s in CI and
 * waits on a crashed node's tasks (fixes pending in https://github.com/docker/cli/pull/7304).
 */
export async function removeService(docker: Dockerode, id: string): Promise<void> {
  await docker
    .getService(id)
    .remove()
    .catch((e: { statusCode?: number }) => {
      if (e.statusCode !== 404) throw e;
    });
}

/** Every task of the stack, also of removed services (tasks carry the service's labels), with the node it is on. */
export async function stackTasks(
  docker: Dockerode,
  project: string,
): Promise<{ id: string; nodeId: string; state: string }[]> {
  const tasks = (await docker.listTasks({ filters: { label: [`${STACK_NAMESPACE}=${project}`] } })) as TaskJson[];
  return tasks.map((t) => ({ id: t.ID, nodeId: t.NodeID ?? '', state: t.Status?.State ?? 'unknown' }));
}

/** The stack's networks and configs, each with why it is not lab's (undefined when it is). */
export async function stackLeftovers(
  docker: Dockerode,
  project: string,
): Promise<{ name: string; id: string; kind: 'network' | 'config'; why?: string }[]> {
  const filters = { label: [`${STACK_NAMESPACE}=${project}`] };
  const [networks, configs] = await Promise.all([
    docker.listNetworks({ filters }) as Promise<{ Id: string; Name: string; Labels?: Record<string, string> }[]>,
    docker.listConfigs({ filters }) as Promise<
      { ID: string; Spec?: { Name?: string; Labels?: Record<string, string> } }[]
    >,
  ]);
  return [
    ...networks.map((n) => ({
      name: `network ${n.Name}`,
      id: n.Id,
      kind: 'network' as const,
      why: whyNotLabsService(n.Labels),
    })),
    ...configs.map((c) => ({
      name: `config ${c.Spec?.Name ?? ''}`,
      id: c.ID,
      kind: 'config' as const,
      why: whyNotLabsService(c.Spec?.Labels),
    })),
  ];
}

/**
 * Remove one of the stack's networks or configs by id. A network can refuse for a moment
 * after its last task stopped ("has active endpoints", https://github.com/moby/moby/issues/23302),
 * so the caller retries. Gone already (404) counts as removed.
 */
export async function removeLeftover(
  docker: Dockerode,
  left: { id: string; kind: 'network' | 'config' },
): Promise<void> {
  const it = left.kind === 'network' ? docker.getNetwork(left.id) : docker.getConfig(left.id);
  await it.remove().catch((e: { statusCode?: number }) => {
    if (e.statusCode !== 404) throw e;
  });
}

/** `docker node update --availability`: drain moves a node's tasks away, active takes it back; both reversible. */
export const setAvailability = (
  endpoint: Endpoint,
  nodeId: string,
  availability: 'drain' | 'active',
  o: { out: Output },
): Promise<string> =>
  runDocker(endpoint, ['node', 'update', '--availability', availability, nodeId], { ...o, timeoutMs: 30_000 });

/**
 * `docker service update --force`: restart a service's tasks one by one so the scheduler spreads
 * them again. Swarm never moves running tasks back to a node that returns
 * (https://docs.docker.com/engine/swarm/admin_guide/#force-the-swarm-to-rebalance).
 */
export const forceUpdate = (endpoint: Endpoint, service: string, o: { out: Output }): Promise<string> =>
  runDocker(endpoint, ['service', 'update', '--force', '--detach', '--quiet', service], { ...o, timeoutMs: 30_000 });

/**
 * `docker service logs` of one service: the lines of its tasks on every node, each prefixed
 * with service.slot.task@node. `inherit`: stream straight to lab's stdout (--follow), else
 * captured. Ctrl-C (the signal) is how --follow ends: `canceled`, no error.
 */
export async function serviceLogs(
  endpoint: Endpoint,
  service: string,
  o: { tail: string; follow: boolean; inherit: boolean; signal: AbortSignal; out: Output },
): Promise<{ stdout: string; canceled: boolean }> {
  const argv = ['service', 'logs', '--no-trunc', '--tail', o.tail, ...(o.follow ? ['--follow'] : []), service];
  o.out.debug(`$ docker ${argv.join(' ')}`);
  const r = await execa('docker', argv, {
    env: endpoint.env,
    stdout: o.inherit ? 'inherit' : 'pipe',
    stderr: 'pipe',
    reject: false,
    cancelSignal: o.signal,
  });
  if (r.isCanceled) return { stdout: '', canceled: true };
  if ((r as { code?: string }).code === 'ENOENT')
    throw new EnvironmentError('The docker CLI is not installed', {
      hint: 'Install the docker CLI (it reads service logs), then run lab doctor --target swarm',
    });
  if (r.failed)
    throw new RuntimeError(
      `docker service logs ${service} failed: ${String(r.stderr).trim().split('\n').pop() || `exit ${r.exitCode}`}`,
    );
  return { stdout: String(r.stdout ?? ''), canceled: false };
}

/** `docker service scale <service>=N`, detached: lab waits for HAProxy itself (engine/swarm-scale.ts). */
export const serviceScale = (
  endpoint: Endpoint,
  service: string,
  replicas: number,
  o: { out: Output; signal?: AbortSignal },
): Promise<string> =>
  runDocker(endpoint, ['service', 'scale', '--detach', `${service}=${replicas}`], { ...o, timeoutMs: 30_000 });

/** Every service, network and config of any stack on the swarm (lab reset --target swarm decides which are lab's). */
export async function allStackObjects(docker: Dockerode): Promise<StackObject[]> {
  const filters = { label: [STACK_NAMESPACE] };
  const [services, networks, configs] = await Promise.all([
    docker.listServices({ filters }) as Promise<
      { ID: string; Spec?: { Name?: string; Labels?: Record<string, string> } }[]
    >,
    docker.listNetworks({ filters }) as Promise<{ Name: string; Labels?: Record<string, string> }[]>,
    docker.listConfigs({ filters }) as Promise<
      { ID: string; Spec?: { Name?: string; Labels?: Record<string, string> } }[]
    >,
  ]);
  return [
    ...services.map((s) => ({ kind: 'service' as const, name: s.Spec?.Name ?? s.ID, labels: s.Spec?.Labels ?? {} })),
    ...networks.map((n) => ({ kind: 'network' as const, name: n.Name, labels: n.Labels ?? {} })),
    ...configs.map((c) => ({ kind: 'config' as const, name: c.Spec?.Name ?? c.ID, labels: c.Spec?.Labels ?? {} })),
  ];
}
