import type { DoctorCheck } from './instructor/doctor-checks.ts';
import { swarmProblems, type SwarmNode, usableNodes, zonesOf } from './swarm.ts';

/** What `lab doctor --target swarm` found out; gathered by engine/swarm-doctor.ts, judged here. */
export interface SwarmDoctorFacts {
  host: string;
  swarm: 'manager' | 'worker' | 'none';
  nodes: SwarmNode[];
  zoneLabel: string;
  /** Images the labs need, and whether the manager's engine has each. */
  images: { ref: string; present: boolean }[];
  /** Host ports labs publish, and the services of other stacks that publish them too. */
  ports: { port: number; option: string; takenBy: string[] }[];
  /**
   * With --node-host: each ready node's own engine asked for the images (`missing`: those of
   * `images` it lacks; `error`: lab could not reach it), and the ready nodes --node-host does
   * not name. Undefined without --node-host: a manager cannot see other nodes' images.
   */
  onNodes?: { nodes: { node: string; host: string; missing: string[]; error?: string }[]; unreached: string[] };
}

/** One row per check, each problem with its fix. Pure. */
export function swarmDoctorChecks(f: SwarmDoctorFacts): DoctorCheck[] {
  const problems = swarmProblems(f);
  const byName = (name: string) => problems.find((p) => p.name === name);
  const fail = (name: string): DoctorCheck | undefined => {
    const p = byName(name);
    return p ? { name, status: 'fail', detail: p.detail, fix: p.fix } : undefined;
  };
  const manager = fail('swarm manager');
  if (manager) return [manager];
  const usable = usableNodes(f.nodes);
  const { zones } = zonesOf(f.nodes, f.zoneLabel);
  const missing = f.images.filter((i) => !i.present).map((i) => i.ref);
  const taken = f.ports.filter((p) => p.takenBy.length);
  return [
    { name: 'swarm manager', status: 'ok', detail: `${f.host} is a manager of a swarm of ${f.nodes.length} node(s)` },
    fail('nodes') ?? {
      name: 'nodes',
      status: 'ok',
      detail: `${usable.length} node(s) ready and active: ${usable.map((n) => n.hostname).join(', ')}`,
    },
    fail('zone labels') ??
      (zones.size < 2
        ? {
            name: 'zone labels',
            status: 'warn',
            detail: `every node is in zone ${[...zones.keys()][0] ?? '?'}: losing it loses the lab`,
            fix: `Label nodes of other zones, e.g. docker node update --label-add ${f.zoneLabel}=b <node>`,
          }
        : {
            name: 'zone labels',
            status: 'ok',
            detail: [...zones].map(([z, ns]) => `${z}: ${ns.map((n) => n.hostname).join(', ')}`).join('; '),
          }),
    missing.length
      ? {
          name: 'images',
          status: 'fail',
          detail: `missing on the manager: ${missing.join(', ')}`,
          fix: `Pull or load them on the manager (lab up copies them on with --node-host), or name a registry every node reaches with --image`,
        }
      : f.onNodes
        ? nodeImagesCheck(
            f.onNodes,
            f.images.map((i) => i.ref),
          )
        : {
            name: 'images',
            status: 'warn',
            detail: `on the manager: ${f.images.map((i) => i.ref).join(', ')}; a manager cannot see other nodes' images (lab up names a node that lacks one, at once)`,
            fix: 'Let lab up copy them from the manager to every node: --node-host ssh://<user>@{addr} (or <node>=<docker host> per node); or load them on each node yourself',
          },
    taken.length
      ? {
          name: 'ports',
          status: 'fail',
          detail: taken.map((p) => `${p.port} (${p.option}) is published by ${p.takenBy.join(', ')}`).join('; '),
          fix: 'Remove that stack, or choose other ports with --app-port and --stats-port',
        }
      : {
          name: 'ports',
          status: 'ok',
          detail: `${f.ports.map((p) => p.port).join(', ')} published by no other service of the swarm (containers outside the swarm are not visible from the manager)`,
        },
  ];
}

/** The images check when lab asked every node's engine (--node-host). */
function nodeImagesCheck(on: NonNullable<SwarmDoctorFacts['onNodes']>, refs: readonly string[]): DoctorCheck {
  const down = on.nodes.find((n) => n.error);
  if (down)
    return {
      name: 'images',
      status: 'fail',
      detail: `cannot reach ${down.node}'s engine (${down.host}, from --node-host): ${down.error}`,
      fix: `Check that docker -H ${down.host} info works from here, or fix --node-host`,
    };
  const gaps = [
    ...on.nodes.filter((n) => n.missing.length).map((n) => `${n.node} lacks ${n.missing.join(', ')}`),
    ...(on.unreached.length
      ? [
          `${on.unreached.join(', ')} not looked at (--node-host does not name ${on.unreached.length > 1 ? 'them' : 'it'})`,
        ]
      : []),
  ];
  if (gaps.length)
    return {
      name: 'images',
      status: 'warn',
      detail: `on the manager: ${refs.join(', ')}; ${gaps.join('; ')}`,
      fix: 'lab up with the same --node-host copies what a node lacks from the manager; name every node, e.g. --node-host ssh://<user>@{addr}',
    };
  return {
    name: 'images',
    status: 'ok',
    detail: `on the manager and on ${on.nodes.map((n) => n.node).join(', ')}: ${refs.join(', ')}`,
  };
}
