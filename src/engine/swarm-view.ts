import { addrIp, backendServers, checkedUp, type ServerStat } from '../core/haproxy-servers.ts';
import type { RenderOptions } from '../core/options.ts';
import { type SwarmNode, type SwarmTask, usableNodes } from '../core/swarm.ts';
import { type LabService, listNodes, serviceTasks, stackServices } from '../docker/swarm.ts';
import { readStats, type StatsEndpoint } from '../haproxy/stats-client.ts';
import type { Engine } from './engine.ts';

/** One node's HAProxy as lab sees it: where its stats are, and its servers (or why not). */
interface NodeHaproxy {
  node: SwarmNode;
  stats: StatsEndpoint;
  servers: ServerStat[];
  error?: string;
}

/** A lab on a swarm at one moment: nodes, the stack's services and tasks, and every node's HAProxy. */
export interface SwarmView {
  nodes: SwarmNode[];
  services: LabService[];
  foreign: { name: string; why: string }[];
  tasks: SwarmTask[];
  haproxies: NodeHaproxy[];
}

/** The stack's own overlay network (render-stack.ts names it `lab`). */
const stackNetwork = (project: string): string => `${project}_lab`;

/**
 * Read the view. `withStats`: also read the stats of the HAProxy running on each node, except
 * on the nodes in `skip` (a crashed node's HAProxy never answers, and each try costs a timeout).
 */
export async function readSwarmView(
  engine: Engine,
  project: string,
  creds: Pick<RenderOptions, 'statsPort' | 'statsUser' | 'statsPassword'>,
  withStats = true,
  skip: ReadonlySet<string> = new Set(),
): Promise<SwarmView> {
  const [nodes, { owned, foreign }] = await Promise.all([
    listNodes(engine.docker),
    stackServices(engine.docker, project),
  ]);
  const tasks = await serviceTasks(engine.docker, owned, stackNetwork(project));
  const haproxyNodes = new Set(
    tasks
      .filter((t) => t.service === 'haproxy' && t.state === 'running' && t.desired === 'running')
      .map((t) => t.nodeId),
  );
  const haproxies = !withStats
    ? []
    : await Promise.all(
        nodes
          .filter((n) => haproxyNodes.has(n.id) && !skip.has(n.id))
          .map(async (node): Promise<NodeHaproxy> => {
            // Host-mode ports: each node's HAProxy listens on that node's own address.
            const stats = {
              host: node.addr,
              port: creds.statsPort ?? 0,
              user: creds.statsUser,
              password: creds.statsPassword,
            };
            try {
              return { node, stats, servers: backendServers(await readStats(stats, 1000)) };
            } catch (e) {
              return { node, stats, servers: [], error: (e as Error).message };
            }
          }),
      );
  return { nodes, services: owned, foreign, tasks, haproxies };
}

/** Tasks meant to run now. */
export const liveTasks = (v: Pick<SwarmView, 'tasks'>, service: string): SwarmTask[] =>
  v.tasks.filter((t) => t.service === service && t.desired === 'running');

/**
 * Ready: every replica runs, HAProxy runs on every usable node, and each of those HAProxies
 * has every replica UP with a passed check. Pure.
 */
export function swarmReady(
  v: SwarmView,
  replicas: number,
): { ready: boolean; running: number; haproxies: number; upPerNode: number[] } {
  const running = liveTasks(v, 'app').filter((t) => t.state === 'running').length;
  const usable = usableNodes(v.nodes).length;
  const upPerNode = v.haproxies.map((h) => h.servers.filter(checkedUp).length);
  const ready = running === replicas && v.haproxies.length >= usable && upPerNode.every((n) => n >= replicas);
  return { ready, running, haproxies: v.haproxies.length, upPerNode };
}

/** The task (and its node) behind a server address in HAProxy's stats. */
export function taskAt(
  v: Pick<SwarmView, 'tasks' | 'nodes'>,
  addr: string | undefined,
): { task?: SwarmTask; node?: SwarmNode } {
  const ip = addrIp({ addr });
  const task = ip ? v.tasks.find((t) => t.desired === 'running' && t.addrs.includes(ip)) : undefined;
  return { task, node: task ? v.nodes.find((n) => n.id === task.nodeId) : undefined };
}
