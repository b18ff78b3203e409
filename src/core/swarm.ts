import { EnvironmentError, UsageError } from './errors.ts';
import { LABEL, type Labels, TARGET_LABEL } from './labels.ts';

/**
 * What lab knows of a Docker Swarm, as plain data, and the rules it applies to it. Pure:
 * docker/swarm.ts reads these facts from the manager's API.
 */
export interface SwarmNode {
  id: string;
  hostname: string;
  /** The address the node is reached at (Status.Addr): its host-mode ports listen there. */
  addr: string;
  /** ready, down, unknown, disconnected */
  state: string;
  /** active, pause, drain */
  availability: string;
  manager: boolean;
  labels: Labels;
}

export interface SwarmTask {
  id: string;
  service: string;
  slot?: number;
  nodeId: string;
  /** Swarm's task state: new, pending, assigned, preparing, starting, running, failed, rejected, ... */
  state: string;
  desired: string;
  error?: string;
  /** The task's addresses on the lab's overlay network, without the prefix length. */
  addrs: string[];
}

/** The smallest swarm that shows redundancy across machines. */
const MIN_NODES = 2;
export const DEFAULT_ZONE_LABEL = 'zone';

/** Nodes that can run tasks. */
export const usableNodes = (nodes: readonly SwarmNode[]): SwarmNode[] =>
  nodes.filter((n) => n.state === 'ready' && n.availability === 'active');

/** The zone of each usable node, and the nodes missing the label. Pure. */
export function zonesOf(
  nodes: readonly SwarmNode[],
  zoneLabel: string,
): { zones: Map<string, SwarmNode[]>; unlabelled: SwarmNode[] } {
  const zones = new Map<string, SwarmNode[]>();
  const unlabelled: SwarmNode[] = [];
  for (const n of usableNodes(nodes)) {
    const z = n.labels[zoneLabel];
    if (!z) unlabelled.push(n);
    else zones.set(z, [...(zones.get(z) ?? []), n]);
  }
  return { zones, unlabelled };
}

export interface SwarmProblem {
  name: string;
  detail: string;
  fix: string;
}

/**
 * Why a lab cannot be deployed to this swarm, each with what to do; empty when it can.
 * `manager`: the engine lab talks to is a swarm manager (undefined: not in a swarm at all).
 */
export function swarmProblems(f: {
  host: string;
  swarm: 'manager' | 'worker' | 'none';
  nodes: readonly SwarmNode[];
  zoneLabel: string;
}): SwarmProblem[] {
  if (f.swarm === 'none') {
    return [
      {
        name: 'swarm manager',
        detail: `the engine at ${f.host} is not part of a Docker Swarm`,
        fix: 'Point lab at a swarm manager (--host, DOCKER_HOST or the docker context), or run the lab on one engine: drop --target swarm',
      },
    ];
  }
  if (f.swarm === 'worker') {
    return [
      {
        name: 'swarm manager',
        detail: `the engine at ${f.host} is a swarm worker; only a manager can deploy`,
        fix: 'Point lab at a manager node (docker node ls on a manager lists them), or promote this one: docker node promote <node>',
      },
    ];
  }
  const problems: SwarmProblem[] = [];
  const usable = usableNodes(f.nodes);
  if (usable.length < MIN_NODES) {
    problems.push({
      name: 'nodes',
      detail: `${usable.length} node(s) ready and active; a lab across machines needs at least ${MIN_NODES}`,
      fix: 'Join more machines (docker swarm join-token worker prints the command), or bring drained nodes back: docker node update --availability active <node>',
    });
  }
  const { unlabelled } = zonesOf(f.nodes, f.zoneLabel);
  if (unlabelled.length) {
    problems.push({
      name: 'zone labels',
      detail: `${unlabelled.length} node(s) have no ${f.zoneLabel} label: ${unlabelled.map((n) => n.hostname).join(', ')}`,
      fix: `Label each node with its zone, e.g. docker node update --label-add ${f.zoneLabel}=a ${unlabelled[0]!.hostname}`,
    });
  }
  return problems;
}

/** Throw the first problem as an EnvironmentError (exit 3), naming the others. */
export function refuseProblems(problems: readonly SwarmProblem[]): void {
  const [first, ...rest] = problems;
  if (!first) return;
  throw new EnvironmentError(`Cannot deploy to the swarm: ${first.detail}`, {
    hint: first.fix,
    details: rest.map((p) => `also: ${p.detail} (${p.fix})`),
  });
}

/**
 * Why a swarm service (or network, or config) is not lab's, or undefined when it is. Pure.
 * Service labels are what `deploy.labels` set; unlike a container's, they never come from an
 * image. The stack namespace Docker sets must be the lab's project.
 */
export function whyNotLabsService(labels: Labels | null | undefined): string | undefined {
  const l = labels ?? {};
  if (l[LABEL.managed] !== 'true') return `no ${LABEL.managed}=true label`;
  if (l[TARGET_LABEL] !== 'swarm') return `no ${TARGET_LABEL}=swarm label`;
  if (!l[LABEL.project]) return `no ${LABEL.project} label`;
  if (l[STACK_NAMESPACE] !== l[LABEL.project])
    return `${STACK_NAMESPACE} (${l[STACK_NAMESPACE] ?? 'absent'}) is not its ${LABEL.project} (${l[LABEL.project]})`;
  return undefined;
}

/** The label `docker stack deploy` puts on everything of a stack. */
export const STACK_NAMESPACE = 'com.docker.stack.namespace';

/**
 * A task's error that only an operator can fix, said as what to do; undefined when Swarm will
 * retry it. `transient`: a scheduling problem Swarm may still solve by itself (a port held by
 * a task of a stack being removed), to be reported only when it lasts.
 */
export function taskProblem(
  t: SwarmTask,
  node: SwarmNode | undefined,
): { detail: string; fix: string; transient?: true } | undefined {
  const where = node ? `${node.hostname} (${node.addr})` : t.nodeId || 'no node';
  const image = /No such image: (\S+)/.exec(t.error ?? '')?.[1];
  if (image) {
    return {
      detail: `${t.service} cannot start on ${where}: image ${image} is not on that node`,
      fix: `Let lab copy it from the manager: --node-host ${node?.hostname ?? '<node>'}=<its docker host> (or ssh://<user>@{addr} for every node); or load it there yourself (docker save ${image} | docker -H <that node> load); or name a registry every node reaches with --image`,
    };
  }
  // Swarm's scheduler says "no suitable node (host-mode port already in use on 1 node)" (moby/swarmkit).
  if (/port.*already in use|address already in use/i.test(t.error ?? '')) {
    return {
      detail: `${t.service} cannot publish its ports on ${where}: ${t.error}`,
      fix: 'Free the port on that node, or choose others with --app-port and --stats-port',
      transient: true,
    };
  }
  if (/no suitable node/.test(t.error ?? ''))
    return {
      detail: `${t.service} has no node to run on: ${t.error}`,
      fix: 'lab doctor --target swarm shows the nodes, their zones and ports',
      transient: true,
    };
  return undefined;
}

/** A zone label as `docker node update --label-add` takes it. */
export function parseZoneLabel(raw: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(raw)) {
    throw new UsageError(`--zone-label "${raw}" must be a node label name: letters, digits, . _ -`, {
      hint: 'e.g. --zone-label zone (the default) or --zone-label rack',
    });
  }
  return raw;
}

/** Per node: its zone, state, and the lab's running tasks on it. Pure. */
export function nodeRows(nodes: readonly SwarmNode[], tasks: readonly SwarmTask[], zoneLabel: string) {
  return nodes.map((n) => {
    const mine = tasks.filter((t) => t.nodeId === n.id && t.desired === 'running');
    return {
      node: n.hostname,
      addr: n.addr,
      zone: n.labels[zoneLabel] ?? null,
      state: n.state,
      availability: n.availability,
      manager: n.manager,
      tasks: mine.map((t) => ({ service: t.service, slot: t.slot ?? null, state: t.state })),
      replicas: mine.filter((t) => t.service === 'app' && t.state === 'running').length,
    };
  });
}

/** Running replicas per zone (the spread `placement.preferences` asked for). Pure. */
export function replicasPerZone(
  nodes: readonly SwarmNode[],
  tasks: readonly SwarmTask[],
  zoneLabel: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of tasks.filter((x) => x.service === 'app' && x.desired === 'running' && x.state === 'running')) {
    const zone = nodes.find((n) => n.id === t.nodeId)?.labels[zoneLabel] ?? '(none)';
    out[zone] = (out[zone] ?? 0) + 1;
  }
  return out;
}

/**
 * The zones that could serve (a ready, active node) but run no replica, when there are replicas
 * enough for one per zone. Swarm's `spread` places each task of a `service update --force` over
 * the tasks left at that moment, and a run was seen ending 0/3/3 after a zone came back.
 */
export function emptyZones(
  nodes: readonly SwarmNode[],
  tasks: readonly SwarmTask[],
  zoneLabel: string,
  replicas: number,
): string[] {
  const zones = [
    ...new Set(
      nodes
        .filter((n) => n.state === 'ready' && n.availability === 'active')
        .map((n) => n.labels[zoneLabel] ?? '(none)'),
    ),
  ].sort();
  if (replicas < zones.length) return [];
  const per = replicasPerZone(nodes, tasks, zoneLabel);
  return zones.filter((z) => !per[z]);
}

/**
 * What of a lab the swarm target does not run yet: several services, client or backing
 * containers, a student-written haproxy.cfg. Each is a sentence for the user; [] when it runs.
 */
export function swarmUnsupported(lab: {
  services?: Record<string, unknown>;
  clients?: number;
  backing?: Record<string, unknown>;
  loadBalancer: { config: string };
}): string[] {
  const out: string[] = [];
  if (lab.services && Object.keys(lab.services).length > 1) out.push('several services (services:)');
  if (lab.clients) out.push('client containers (clients:)');
  if (lab.backing && Object.keys(lab.backing).length) out.push('backing services (backing:)');
  if (lab.loadBalancer.config === 'student') out.push('a student-written haproxy.cfg (loadBalancer.config: student)');
  return out;
}

/** A lab that needs several machines (lab.yaml `target: swarm`) refuses one engine (exit 2), pointing to `next`. */
export function refuseOneEngine(lab: { id: string; target?: string | undefined }, next: string): void {
  if (lab.target !== 'swarm') return;
  throw new UsageError(
    `Lab ${lab.id} runs only on a Docker Swarm (--target swarm): its replicas are spread over zones of several machines, which one engine cannot show`,
    { hint: next },
  );
}
