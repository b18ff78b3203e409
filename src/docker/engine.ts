import type Dockerode from 'dockerode';
import { COMPOSE_LABEL, LABEL, labelFilter, ownedByLab, type Labels } from '../core/labels.ts';
import { EnvironmentError, InterruptedError, RuntimeError } from '../core/errors.ts';
import { mapBounded } from '../core/pool.ts';
import { modemOptions, type Endpoint } from './endpoint.ts';

/** A container lab created, as status, check and down need it. */
export interface LabContainer {
  id: string;
  name: string;
  service: string;
  number: number;
  project: string;
  lab: string;
  workspace: string;
  state: string;
  status: string;
  ip: string | undefined;
  /** Published host ports by container port. */
  ports: Record<number, number>;
  /** lab.role: `backing` for a backing service (a Redis); absent for apps, HAProxy and clients. */
  role?: string;
  /** lab.version: the version an app replica runs, when the lab file gives one. */
  version?: string;
}

/** How long an engine may take to answer its first ping: one that never does (a stuck daemon, a host a firewall drops) is reported, not waited on forever. */
const PING_TIMEOUT_MS = 10_000;

/** Connect to the engine (dockerode is imported only here, and only when needed: ~120 ms). */
export async function connect(endpoint: Endpoint, signal?: AbortSignal): Promise<Dockerode> {
  const { default: Docker } = await import('dockerode');
  const docker = new Docker(modemOptions(endpoint.host, endpoint.env));
  const deadline = AbortSignal.timeout(PING_TIMEOUT_MS);
  try {
    // @types/dockerode declares ping without options; dockerode passes abortSignal on (lib/docker.js, Docker.prototype.ping).
    const ping = docker.ping as unknown as (this: Dockerode, opts: { abortSignal: AbortSignal }) => Promise<unknown>;
    await ping.call(docker, { abortSignal: signal ? AbortSignal.any([signal, deadline]) : deadline });
  } catch (e) {
    if (signal?.aborted)
      throw new InterruptedError('Interrupted while reaching the Docker engine', {
        details: ['Nothing was started or written'],
      });
    if (deadline.aborted) {
      throw new EnvironmentError(
        `The Docker engine at ${endpoint.host} (from ${endpoint.source}) did not answer within ${PING_TIMEOUT_MS / 1000} s`,
        {
          hint: /^unix:/.test(endpoint.host)
            ? 'The daemon accepts connections but does not answer: check it (sudo systemctl status docker, or docker info), then run lab doctor'
            : 'The host may be unreachable, a firewall may drop the connection, or the daemon hangs: check the address and the daemon, then run lab doctor',
        },
      );
    }
    throw engineUnreachable(endpoint, e);
  }
  return docker;
}

function engineUnreachable(endpoint: Endpoint, e: unknown): EnvironmentError {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const where = `${endpoint.host} (from ${endpoint.source})`;
  const why =
    code === 'ENOENT'
      ? 'no Docker engine is listening there (the socket does not exist)'
      : code === 'EACCES'
        ? 'permission denied on the socket'
        : code === 'ECONNREFUSED'
          ? 'the connection was refused (is dockerd running?)'
          : (e as Error).message;
  // A socket path naming Podman is Podman's API service (docker/engine-kind.ts), started otherwise.
  const podman = /podman/i.test(endpoint.host);
  const socket = endpoint.host.replace(/^unix:\/\//, '');
  return new EnvironmentError(`Cannot reach the ${podman ? 'Podman' : 'Docker'} engine at ${where}: ${why}`, {
    hint: podman
      ? `Start Podman's API service: sudo systemctl start podman.socket, or podman system service --time=0 unix://${socket} &, then run lab doctor`
      : code === 'EACCES'
        ? 'Add yourself to the docker group (sudo usermod -aG docker $USER), then log in again'
        : 'Start the engine (e.g. sudo systemctl start docker, or dockerd &), check DOCKER_HOST / docker context, then run lab doctor',
  });
}

/**
 * Labels of images by ID. An image ID is the hash of its configuration, labels included, so
 * they never change and are asked once per engine. An image that is gone (Docker keeps the
 * image of any container, so only a race) supplies no labels.
 */
const imageLabelCache = new WeakMap<Dockerode, Map<string, Promise<Labels>>>();
export async function imageLabels(docker: Dockerode, ids: (string | undefined)[]): Promise<Map<string, Labels>> {
  let cache = imageLabelCache.get(docker);
  if (!cache) imageLabelCache.set(docker, (cache = new Map()));
  const unique = [...new Set(ids.filter((id): id is string => Boolean(id)))];
  for (const id of unique) {
    if (cache.has(id)) continue;
    const ask = docker
      .getImage(id)
      .inspect()
      .then(
        (i) => (i.Config?.Labels ?? {}) as Labels,
        (e) => {
          cache.delete(id);
          if (status(e) === 404) return {};
          throw e;
        },
      );
    cache.set(id, ask);
  }
  return new Map(await Promise.all(unique.map(async (id) => [id, await cache.get(id)!] as const)));
}

/** The containers that are lab's own (core/labels.ts ownedByLab), optionally of one project, as the engine lists them. */
async function ownedContainers(docker: Dockerode, project?: string): Promise<Dockerode.ContainerInfo[]> {
  const list = await docker.listContainers({ all: true, filters: { label: labelFilter(project) } });
  const images = await imageLabels(
    docker,
    list.map((c) => c.ImageID),
  );
  return list.filter((c) => ownedByLab(c.Labels, images.get(c.ImageID)));
}

/** Whether one listed container is lab's own; for listings made without lab's filter. */
export async function isLabContainer(
  docker: Dockerode,
  c: Pick<Dockerode.ContainerInfo, 'Labels' | 'ImageID'>,
): Promise<boolean> {
  if (c.Labels?.[LABEL.managed] !== 'true') return false;
  return ownedByLab(c.Labels, (await imageLabels(docker, [c.ImageID])).get(c.ImageID));
}

/** Every container lab created, optionally of one project: selected by the ownership rule, never by name. */
export async function labContainers(docker: Dockerode, project?: string): Promise<LabContainer[]> {
  const list = await ownedContainers(docker, project);
  return list
    .map((c) => {
      const l = c.Labels ?? {};
      const nets = Object.values(c.NetworkSettings?.Networks ?? {});
      const ports: Record<number, number> = {};
      for (const p of c.Ports ?? []) if (p.PublicPort) ports[p.PrivatePort] = p.PublicPort;
      return {
        id: c.Id,
        name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''),
        service: l[COMPOSE_LABEL.service] ?? '',
        number: Number(l[COMPOSE_LABEL.number] ?? 0),
        project: l[LABEL.project] ?? '',
        lab: l[LABEL.lab] ?? '',
        workspace: l[LABEL.workspace] ?? '',
        state: c.State,
        status: c.Status,
        ip: nets[0]?.IPAddress || undefined,
        ports,
        ...(l[LABEL.role] ? { role: l[LABEL.role] } : {}),
        ...(l[LABEL.version] ? { version: l[LABEL.version] } : {}),
      };
    })
    .sort((a, b) => a.project.localeCompare(b.project) || a.service.localeCompare(b.service) || a.number - b.number);
}

/**
 * Containers that compose counts as replicas of a project but that lab did not create: started
 * from a `docker commit` of a lab container, they inherit compose's labels, and compose selects
 * a project's containers by those labels alone, so `compose up` would adopt them and could
 * recreate or remove them.
 */
export async function foreignInProject(docker: Dockerode, project: string): Promise<{ name: string; image: string }[]> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`${COMPOSE_LABEL.project}=${project}`, `${COMPOSE_LABEL.oneoff}=False`] },
  });
  const images = await imageLabels(
    docker,
    list.map((c) => c.ImageID),
  );
  return list
    .filter((c) => !ownedByLab(c.Labels, images.get(c.ImageID)))
    .map((c) => ({ name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''), image: c.Image }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** What `down` removed. */
export interface Removed {
  containers: string[];
  networks: string[];
  volumes: string[];
}

/**
 * API calls in flight at once. Over ssh:// each is a channel of one SSH connection (ssh-agent.ts),
 * and sshd allows 10 channels per connection (MaxSessions, sshd_config(5)).
 */
export const DOCKER_API_CONCURRENCY = 6;

/** Stop a container with a short grace period (lab's app and HAProxy exit at once on SIGTERM), then remove it and its anonymous volumes. */
export async function removeContainer(docker: Dockerode, id: string, running: boolean): Promise<void> {
  const ctr = docker.getContainer(id);
  if (running) await ctr.stop({ t: 2 }).catch(ignore304);
  await ctr.remove({ force: true, v: true });
}

/**
 * Remove everything of one project that lab created (core/labels.ts ownedByLab): containers
 * (with their anonymous volumes), then networks and volumes. Works without the lab file or workspace.
 */
export async function removeProject(docker: Dockerode, project: string): Promise<Removed> {
  const filters = { label: labelFilter(project) };
  // Listed at once (the project's lock keeps anyone from adding to it meanwhile); removed in order,
  // as a network or volume in use by a container can't go before the container.
  const [containers, networks, volumes] = await Promise.all([
    ownedContainers(docker, project),
    docker.listNetworks({ filters }).then((all) => all.filter((n) => ownedByLab(n.Labels))),
    docker.listVolumes({ filters }).then((all) => (all.Volumes ?? []).filter((v) => ownedByLab(v.Labels))),
  ]);
  await mapBounded(containers, DOCKER_API_CONCURRENCY, (c) =>
    removeContainer(docker, c.Id, c.State === 'running').catch(ignore404),
  );
  await mapBounded(networks, DOCKER_API_CONCURRENCY, (n) => docker.getNetwork(n.Id).remove().catch(ignore404));
  await mapBounded(volumes, DOCKER_API_CONCURRENCY, (v) => docker.getVolume(v.Name).remove().catch(ignore404));
  return {
    containers: containers.map((c) => (c.Names?.[0] ?? c.Id).replace(/^\//, '')),
    networks: networks.map((n) => n.Name),
    volumes: volumes.map((v) => v.Name),
  };
}

/** The last lines a container wrote (stdout and stderr), demultiplexed; `since`: only lines from that Unix time (seconds) on. */
export async function containerLogs(docker: Dockerode, id: string, tail = 20, since?: number): Promise<string[]> {
  const ctr = docker.getContainer(id);
  const [info, raw] = await Promise.all([
    ctr.inspect(),
    ctr.logs({
      stdout: true,
      stderr: true,
      tail,
      timestamps: false,
      follow: false,
      ...(since === undefined ? {} : { since }),
    }),
  ]);
  const text = info.Config.Tty ? raw.toString('utf8') : demux(raw);
  return text.split('\n').filter((l) => l.trim() !== '');
}

/**
 * Non-TTY container logs come as frames: 1 byte stream type, 3 zero bytes, a 4-byte big-endian
 * length, then the payload (Docker Engine API, "Attach to a container", stream format).
 */
export function demux(buf: Buffer): string {
  let out = '';
  let i = 0;
  while (i + 8 <= buf.length) {
    const len = buf.readUInt32BE(i + 4);
    out += buf.subarray(i + 8, i + 8 + len).toString('utf8');
    i += 8 + len;
  }
  return out;
}

export async function signalContainer(docker: Dockerode, id: string, signal: string): Promise<void> {
  await docker
    .getContainer(id)
    .kill({ signal })
    .catch((e) => {
      throw new RuntimeError(`Could not send ${signal} to container ${id.slice(0, 12)}: ${(e as Error).message}`);
    });
}

const status = (e: unknown) => (e as { statusCode?: number }).statusCode;
const ignore404 = (e: unknown) => {
  if (status(e) !== 404) throw e;
};
const ignore304 = (e: unknown) => {
  if (status(e) !== 304 && status(e) !== 404) throw e;
};
