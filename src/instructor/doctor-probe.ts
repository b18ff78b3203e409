import { readdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { imageSubstitutions, imagesFilePath } from '../config/images-file.ts';
import type { Context } from '../cli/context.ts';
import { labHome } from '../config/lab-home.ts';
import { describeSubstitution, substitutionMap } from '../core/image-substitutions.ts';
import { LABEL, labelFilter, ownedByLab } from '../core/labels.ts';
import { composeVersion } from '../docker/compose.ts';
import { resolveEndpoint, type Endpoint } from '../docker/endpoint.ts';
import { connect, isLabContainer, labContainers } from '../docker/engine.ts';
import { engineKindOf, engineName, noSwarmReason } from '../docker/engine-kind.ts';
import { LabError } from '../core/errors.ts';
import { languageChoice } from '../core/localized.ts';
import { alive, readOwner } from '../engine/lock.ts';
import { canListen, processOnPort } from '../engine/ports.ts';
import { isLocalEngine, publishedHost } from '../engine/engine.ts';
import type { DoctorFacts, PortHolder } from '../core/instructor/doctor-checks.ts';
import { imagePresent } from './images-engine.ts';
import { allLabImages } from './labs-io.ts';
import { neededImages } from '../core/instructor/needed-images.ts';

/** Find out everything doctor judges. Never throws for what it finds: a problem is a fact. */
export async function gatherDoctorFacts(ctx: Context): Promise<DoctorFacts> {
  const endpoint = await resolveEndpoint(ctx.env, ctx.host);
  const base = {
    lab: ctx.host ? `lab --host ${ctx.host}` : 'lab',
    endpoint: { host: endpoint.host, source: endpoint.source, local: isLocalEngine(endpoint) },
    // doctor has no --lang: what a student's command would print in, from this environment.
    language: languageChoice(undefined, ctx.env),
  };
  const [engine, compose, locks] = await Promise.all([
    engineFacts(endpoint),
    composeFacts(endpoint),
    lockFacts(ctx.env),
  ]);
  const { substitutions, images: map } = substitutionFacts(ctx.env);
  if (!engine.docker) return { ...base, engine: engine.fact, compose, substitutions, locks };
  const docker = engine.docker;
  const labs = allLabImages(map);
  const [images, ports, leftovers, disk] = await Promise.all([
    Promise.all(
      neededImages(labs).map(async (n) => ({
        ref: n.ref,
        role: n.role,
        kind: n.kind,
        labs: n.labs,
        present: await imagePresent(docker, n.ref),
      })),
    ),
    portFacts(
      docker,
      endpoint,
      labs.map((l) => l.lab),
    ),
    leftoverFacts(docker),
    diskFacts(endpoint, engine.fact.ok ? engine.fact.rootDir : ''),
  ]);
  return { ...base, engine: engine.fact, compose, substitutions, locks, images, ports, leftovers, disk };
}

/** The image substitutions in effect and where each comes from; a broken setting is a fact too. */
function substitutionFacts(env: NodeJS.ProcessEnv): {
  substitutions: DoctorFacts['substitutions'];
  images: Record<string, string>;
} {
  const file = imagesFilePath(env);
  try {
    const subs = imageSubstitutions(env);
    return { substitutions: { ok: true, file, list: subs.map(describeSubstitution) }, images: substitutionMap(subs) };
  } catch (e) {
    const error = [(e as Error).message, ...(e instanceof LabError ? e.details : [])].join(': ');
    return { substitutions: { ok: false, file, error, hint: e instanceof LabError ? e.hint : undefined }, images: {} };
  }
}

async function engineFacts(endpoint: Endpoint): Promise<{ fact: DoctorFacts['engine']; docker?: Dockerode }> {
  try {
    const docker = await connect(endpoint);
    const [version, info] = await Promise.all([docker.version(), docker.info() as Promise<{ DockerRootDir?: string }>]);
    const kind = engineKindOf(version);
    return {
      docker,
      fact: {
        ok: true,
        version: version.Version,
        api: version.ApiVersion,
        rootDir: info.DockerRootDir ?? '',
        kind,
        name: engineName(version),
        ...(noSwarmReason(kind) ? { notHere: ['--target swarm (it has no Swarm mode)'] } : {}),
      },
    };
  } catch (e) {
    return { fact: { ok: false, error: (e as Error).message, hint: e instanceof LabError ? e.hint : undefined } };
  }
}

async function composeFacts(endpoint: Endpoint): Promise<DoctorFacts['compose']> {
  try {
    return { ok: true, version: (await composeVersion(endpoint)).version };
  } catch (e) {
    return { ok: false, error: (e as Error).message, hint: e instanceof LabError ? e.hint : undefined };
  }
}

type LabPorts = { id: string; defaults: { appPort: number | null; statsPort: number | null } };

/** The labs' default host ports, and who holds each: a lab, another container, or a process. */
async function portFacts(
  docker: Dockerode,
  endpoint: Endpoint,
  labs: LabPorts[],
): Promise<NonNullable<DoctorFacts['ports']>> {
  const wanted = new Map<number, { option: string; labs: string[] }>();
  for (const lab of labs) {
    for (const [option, port] of [
      ['--app-port', lab.defaults.appPort],
      ['--stats-port', lab.defaults.statsPort],
    ] as const) {
      if (port === null) continue;
      const w = wanted.get(port) ?? { option, labs: [] };
      wanted.set(port, { ...w, labs: [...w.labs, lab.id] });
    }
  }
  const running = await docker.listContainers();
  // Published ports are reachable on this machine only when the engine publishes on loopback here.
  const here = publishedHost(endpoint) === '127.0.0.1';
  return Promise.all(
    [...wanted].map(async ([port, w]) => {
      const c = running.find((r) => (r.Ports ?? []).some((p) => p.PublicPort === port));
      const name = (c?.Names?.[0] ?? '').replace(/^\//, '');
      let holder: PortHolder;
      if (c && (await isLabContainer(docker, c)))
        holder = {
          kind: 'lab',
          lab: c.Labels[LABEL.lab] ?? '?',
          project: c.Labels[LABEL.project] ?? '?',
          container: name,
        };
      else if (c) holder = { kind: 'container', name, image: c.Image };
      else if (!here)
        holder = {
          kind: 'unchecked',
          why: 'no container publishes it; programs on the remote machine were not checked',
        };
      else
        holder = (await canListen(port, '127.0.0.1'))
          ? { kind: 'free' }
          : { kind: 'process', what: await processOnPort(port) };
      return { port, option: w.option, labs: w.labs, holder };
    }),
  );
}

async function leftoverFacts(docker: Dockerode): Promise<NonNullable<DoctorFacts['leftovers']>> {
  const [containers, networks] = await Promise.all([
    labContainers(docker),
    docker.listNetworks({ filters: { label: labelFilter() } }),
  ]);
  const projects = new Set(containers.map((c) => c.project));
  return {
    stopped: containers
      .filter((c) => c.state !== 'running')
      .map((c) => ({ name: c.name, project: c.project, lab: c.lab })),
    idleNetworks: networks
      .filter((n) => ownedByLab(n.Labels) && !projects.has(n.Labels?.[LABEL.project] ?? ''))
      .map((n) => ({ name: n.Name, project: n.Labels?.[LABEL.project] ?? '' })),
  };
}

/** Free space where the engine keeps images and containers; measurable only for a local engine. */
async function diskFacts(endpoint: Endpoint, rootDir: string): Promise<DoctorFacts['disk']> {
  if (!rootDir) return undefined;
  if (!isLocalEngine(endpoint)) return { path: rootDir, skipped: 'remote engine: free space not measured' };
  try {
    const s = await statfs(rootDir);
    return { path: rootDir, freeBytes: s.bavail * s.bsize };
  } catch (e) {
    return { path: rootDir, skipped: `cannot measure (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
}

/** Lock files under LAB_HOME/locks, and whether their owner still runs (see lock.ts). */
async function lockFacts(env: NodeJS.ProcessEnv): Promise<DoctorFacts['locks']> {
  const dir = join(labHome(env), 'locks');
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.lock'));
  return Promise.all(
    files.map(async (f) => {
      const file = join(dir, f);
      const owner = await readOwner(file);
      return {
        file,
        project: f.replace(/\.lock$/, '').replace(/@[^@]*$/, ''),
        pid: owner?.pid,
        command: owner?.command,
        alive: owner !== undefined && alive(owner.pid),
      };
    }),
  );
}
