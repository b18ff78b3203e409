import type { Context } from '../cli/context.ts';
import { imageSubstitutions } from '../config/images-file.ts';
import { substitutionMap } from '../core/image-substitutions.ts';
import type Dockerode from 'dockerode';
import { type NeededImage, neededImages } from '../core/instructor/needed-images.ts';
import { hashTagged, type NodeHosts, nodesToReach } from '../core/swarm-images.ts';
import type { SwarmDoctorFacts } from '../core/swarm-doctor.ts';
import { STACK_NAMESPACE, type SwarmNode, swarmUnsupported } from '../core/swarm.ts';
import { listNodes, swarmRole } from '../docker/swarm.ts';
import { imagePresent } from '../instructor/images-engine.ts';
import { allLabImages } from '../instructor/labs-io.ts';
import { openSwarmEngine } from './engine.ts';
import { nodeImages } from './swarm-images.ts';

/** Find out what swarmDoctorChecks judges. A problem found is a fact; an unreachable engine throws (exit 3). */
export async function gatherSwarmFacts(
  ctx: Context,
  zoneLabel: string,
  nodeHosts?: NodeHosts,
): Promise<SwarmDoctorFacts> {
  const engine = await openSwarmEngine(ctx);
  const swarm = await swarmRole(engine.docker);
  // Only the labs a swarm can run: a compose-only lab's images (e.g. lab 06's Redis) are not the swarm's to have.
  const labs = allLabImages(substitutionMap(imageSubstitutions(ctx.env))).filter(
    (l) => swarmUnsupported(l.lab).length === 0,
  );
  const base = { host: engine.endpoint.host, swarm, zoneLabel };
  if (swarm !== 'manager') return { ...base, nodes: [], images: [], ports: [] };
  const needed = neededImages(labs);
  const ports = [
    ...new Map(
      labs
        .flatMap(
          (l) =>
            [
              [l.lab.defaults.appPort, '--app-port'],
              [l.lab.defaults.statsPort, '--stats-port'],
            ] as const,
        )
        .filter(([p]) => p !== null),
    ).entries(),
  ];
  const [nodes, images, services] = await Promise.all([
    listNodes(engine.docker),
    Promise.all(
      needed
        .filter((n) => n.role !== 'base')
        .map((n) =>
          n.kind === 'build'
            ? builtOnManager(engine.docker, n, needed)
            : imagePresent(engine.docker, n.ref).then((present) => ({ ref: n.ref, present })),
        ),
    ),
    engine.docker.listServices() as Promise<ServiceJson[]>,
  ]);
  // Host-mode ports appear in the spec only; ingress ones in both.
  const published = (s: ServiceJson) =>
    (s.Spec?.EndpointSpec?.Ports ?? s.Endpoint?.Ports ?? []).map((p) => p.PublishedPort);
  const refs = needed.filter((n) => n.role !== 'base').map(taskRef);
  return {
    ...base,
    nodes,
    images,
    ...(nodeHosts ? { onNodes: await imagesOnNodes(ctx, nodes, nodeHosts, refs) } : {}),
    ports: ports.map(([port, option]) => ({
      port: port!,
      option,
      takenBy: services
        .filter((s) => published(s).includes(port!))
        .map(
          (s) =>
            `${s.Spec?.Name ?? '?'}${s.Spec?.Labels?.[STACK_NAMESPACE] ? ` (stack ${s.Spec.Labels[STACK_NAMESPACE]})` : ''}`,
        ),
    })),
  };
}

interface ServiceJson {
  Spec?: { Name?: string; Labels?: Record<string, string>; EndpointSpec?: { Ports?: { PublishedPort?: number }[] } };
  Endpoint?: { Ports?: { PublishedPort?: number }[] };
}

/** The name a task runs the image under: a lab's own image under its build-hash tag (what lab up builds and copies). */
const taskRef = (n: NeededImage): string =>
  n.kind === 'build' && n.build?.hash ? hashTagged(n.ref, n.build.hash) : n.ref;

/**
 * A lab's own image on the manager: there under its build-hash tag, or lab up can build it
 * there (its base images are present); else the tag is missing.
 */
async function builtOnManager(
  docker: Dockerode,
  n: NeededImage,
  needed: readonly NeededImage[],
): Promise<{ ref: string; present: boolean }> {
  const tagged = taskRef(n);
  if (await imagePresent(docker, tagged)) return { ref: tagged, present: true };
  const bases = Object.values(n.build?.args ?? {}).filter((v) => needed.some((x) => x.role === 'base' && x.ref === v));
  const present = bases.length > 0 && (await Promise.all(bases.map((b) => imagePresent(docker, b)))).every(Boolean);
  return {
    ref: present
      ? `${bases.join(', ')} (lab up builds ${tagged} from it)`
      : `${tagged} (or ${bases.join(', ') || 'its base image'} to build it)`,
    present,
  };
}

/**
 * Ask each ready node's own engine (--node-host) which of the images it has: what a manager
 * cannot tell. A node lab cannot reach is a fact (the check fails), not an exception.
 */
async function imagesOnNodes(
  ctx: Context,
  nodes: readonly SwarmNode[],
  hosts: NodeHosts,
  refs: readonly string[],
): Promise<NonNullable<SwarmDoctorFacts['onNodes']>> {
  const { reached, unreached } = nodesToReach(hosts, nodes);
  const checked = await Promise.all(
    reached.map(async ({ node, host }) => {
      try {
        const { has } = await nodeImages(ctx, host, refs);
        return { node: node.hostname, host, missing: refs.filter((r) => !has.includes(r)) };
      } catch (err) {
        return { node: node.hostname, host, missing: [], error: (err as Error).message };
      }
    }),
  );
  return { nodes: checked, unreached };
}
