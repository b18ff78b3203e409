import { LABEL, type Labels, TARGET_LABEL } from './labels.ts';
import { STACK_NAMESPACE, whyNotLabsService } from './swarm.ts';

/** A service, network or config of some stack on the swarm, as `lab reset --target swarm` sees it. */
export interface StackObject {
  kind: 'service' | 'network' | 'config';
  name: string;
  labels: Labels;
}

export interface SwarmResetPlan {
  /** Stacks lab deployed, every object of them lab's: removed whole, then their workspaces' lab files. */
  stacks: { project: string; services: string[]; others: string[]; workspace?: string }[];
  /** Stacks that look like lab's but hold something lab did not deploy: left alone, with why. */
  kept: { project: string; name: string; why: string }[];
}

/**
 * What reset removes from a swarm. Pure. A stack is a candidate when one of its objects carries
 * lab's labels with lab.target=swarm (set by lab on the service, never inherited from an
 * image), and it is removed only when every object of the stack is lab's: one stranger keeps
 * the whole stack, as `lab down --target swarm` does.
 */
export function planSwarmReset(objects: readonly StackObject[]): SwarmResetPlan {
  const byStack = new Map<string, StackObject[]>();
  for (const o of objects) {
    const project = o.labels[STACK_NAMESPACE];
    if (project) byStack.set(project, [...(byStack.get(project) ?? []), o]);
  }
  const plan: SwarmResetPlan = { stacks: [], kept: [] };
  for (const [project, all] of [...byStack].sort(([a], [b]) => a.localeCompare(b))) {
    if (!all.some((o) => o.labels[LABEL.managed] === 'true' && o.labels[TARGET_LABEL] === 'swarm')) continue;
    const stranger = all.map((o) => ({ o, why: whyNotLabsService(o.labels) })).find((x) => x.why);
    if (stranger) {
      plan.kept.push({ project, name: `${stranger.o.kind} ${stranger.o.name}`, why: stranger.why! });
      continue;
    }
    const workspace = all.find((o) => o.kind === 'service' && o.labels[LABEL.workspace])?.labels[LABEL.workspace];
    plan.stacks.push({
      project,
      services: all.filter((o) => o.kind === 'service').map((o) => o.name),
      others: all.filter((o) => o.kind !== 'service').map((o) => `${o.kind} ${o.name}`),
      ...(workspace ? { workspace } : {}),
    });
  }
  return plan;
}

/**
 * The stack's tasks that still hold a container after its services were removed, split by
 * whether down waits for them. A task on a node that is up is stopping and its node frees the
 * host-mode ports when it ends: down waits for it. A task on a node that is down (crashed,
 * cut off) cannot report back until that node returns, and Swarm then removes it itself: down
 * names it and does not wait (`docker stack rm --detach=false` waited past 60 s on one).
 */
export function tasksToWaitFor<T extends { nodeId: string; state: string }>(
  tasks: readonly T[],
  nodes: readonly { id: string; state: string }[],
): { stopping: T[]; onDownNodes: T[] } {
  // Only `down` (or a node the swarm no longer lists) is given up on: `unknown` and
  // `disconnected` are passing states (every node is `unknown` for a moment after a manager
  // restarts), and their containers may still hold the lab's ports.
  const listed = new Set(nodes.map((n) => n.id));
  const down = new Set(nodes.filter((n) => n.state === 'down').map((n) => n.id));
  const gone = (t: T) => down.has(t.nodeId) || !listed.has(t.nodeId);
  const holding = tasks.filter((t) => HOLDS_A_CONTAINER.has(t.state) && t.nodeId !== '');
  return { stopping: holding.filter((t) => !gone(t)), onDownNodes: holding.filter(gone) };
}

/** Swarm's observed task states from assigned to running: the node may have created a container. */
const HOLDS_A_CONTAINER = new Set(['assigned', 'accepted', 'preparing', 'ready', 'starting', 'running']);
