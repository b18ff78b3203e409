import type { Context } from '../cli/context.ts';
import { imageSubstitutions } from '../config/images-file.ts';
import { substitutionMap } from '../core/image-substitutions.ts';
import { neededImages } from '../core/instructor/needed-images.ts';
import type { SwarmDoctorFacts } from '../core/swarm-doctor.ts';
import { STACK_NAMESPACE, swarmUnsupported } from '../core/swarm.ts';
import { listNodes, swarmRole } from '../docker/swarm.ts';
import { imagePresent } from '../instructor/doctor-probe.ts';
import { allLabImages } from '../instructor/labs-io.ts';
import { openEngine } from './engine.ts';

/** Find out what swarmDoctorChecks judges. A problem found is a fact; an unreachable engine throws (exit 3). */
export async function gatherSwarmFacts(ctx: Context, zoneLabel: string): Promise<SwarmDoctorFacts> {
  const engine = await openEngine(ctx);
  const swarm = await swarmRole(engine.docker);
  // Only the labs a swarm can run: a compose-only lab's images (e.g. lab 06's Redis) are not the swarm's to have.
  const labs = allLabImages(substitutionMap(imageSubstitutions(ctx.env))).filter((l) => swarmUnsupported(l.lab).length === 0);
  const base = { host: engine.endpoint.host, swarm, zoneLabel };
  if (swarm !== 'manager') return { ...base, nodes: [], images: [], ports: [] };
  // What the manager must have: what lab pulls, and the base images it builds the labs' own
  // images from (lab up builds those there, under their build-hash tag, and copies them on).
  const needed = neededImages(labs).filter((n) => n.kind === 'pull');
  const ports = [...new Map(labs.flatMap((l) => [[l.lab.defaults.appPort, '--app-port'], [l.lab.defaults.statsPort, '--stats-port']] as const).filter(([p]) => p !== null)).entries()];
  const [nodes, images, services] = await Promise.all([
    listNodes(engine.docker),
    Promise.all(needed.map(async (n) => ({ ref: n.ref, present: await imagePresent(engine.docker, n.ref) }))),
    engine.docker.listServices() as Promise<ServiceJson[]>,
  ]);
  // Host-mode ports appear in the spec only; ingress ones in both.
  const published = (s: ServiceJson) => (s.Spec?.EndpointSpec?.Ports ?? s.Endpoint?.Ports ?? []).map((p) => p.PublishedPort);
  return {
    ...base,
    nodes,
    images,
    ports: ports.map(([port, option]) => ({ port: port!, option, takenBy: services.filter((s) => published(s).includes(port!)).map((s) => `${s.Spec?.Name ?? '?'}${s.Spec?.Labels?.[STACK_NAMESPACE] ? ` (stack ${s.Spec.Labels[STACK_NAMESPACE]})` : ''}`) })),
  };
}

interface ServiceJson {
  Spec?: { Name?: string; Labels?: Record<string, string>; EndpointSpec?: { Ports?: { PublishedPort?: number }[] } };
  Endpoint?: { Ports?: { PublishedPort?: number }[] };
}
