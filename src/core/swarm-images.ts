import { UsageError } from './errors.ts';
import type { Lab } from './lab-schema.ts';
import { buildArgsOf, type BuildContext, substitute } from './images.ts';
import { labServices } from './services.ts';
import type { SwarmNode } from './swarm.ts';

/**
 * Which images a lab's stack runs on a swarm, and how each node gets them. Pure: the engine
 * side (engine/swarm-images.ts) builds on the manager and copies to the nodes.
 */

/**
 * A lab-built image's tag carries the hash of its build context (config/build-hash.ts):
 * lab/whoami:1 built from context hash 3f9a... runs as lab/whoami:1-3f9a.... A node that
 * has an older build under the lab's own tag never runs it, since the stack names the new tag.
 */
export function hashTagged(ref: string, hash: string): string {
  if (ref.includes('@')) return ref; // pinned by digest: already content-addressed
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  const [repo, tag] = colon > slash ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
  // A tag is at most 128 characters: keep the hash whole, shorten the human part.
  return `${repo}:${tag.slice(0, 127 - hash.length)}-${hash}`;
}

/** An image the stack runs; `build` when lab builds it on the manager first. */
export interface StackImage {
  ref: string;
  service: 'app' | 'haproxy';
  build?: { context: string; args: Record<string, string>; lab: string; hash: string };
}

/** The app image (hash-tagged when lab builds it) and HAProxy's, after --image substitutions. */
export function stackImages(
  lab: Lab,
  images: Record<string, string>,
  builds: Record<string, BuildContext> = {},
): StackImage[] {
  const app = labServices(lab)[0]!;
  const b = builds[app.name];
  const appRef = substitute(app.image, images);
  const appImage: StackImage = b?.hash
    ? {
        ref: hashTagged(appRef, b.hash),
        service: 'app',
        build: { context: b.context, args: buildArgsOf(app, images), lab: lab.id, hash: b.hash },
      }
    : { ref: appRef, service: 'app' };
  return [appImage, { ref: substitute(lab.loadBalancer.image, images), service: 'haproxy' }];
}

/**
 * How lab reaches each node's engine to copy images there (`--node-host`): `<node>=<docker
 * host>` per node, or one address with `{hostname}` or `{addr}` in it for all nodes, e.g.
 * ssh://teacher@{addr}. Empty: lab does not copy (the images are on the nodes, or a registry
 * every node reaches is named with --image).
 */
export interface NodeHosts {
  byNode: Record<string, string>;
  template?: string;
}

const HOST_RE = /^(unix|tcp|ssh):\/\/\S+$/;

export function parseNodeHosts(values: readonly string[]): NodeHosts {
  const out: NodeHosts = { byNode: {} };
  const bad = (v: string, why: string) =>
    new UsageError(`--node-host "${v}" ${why}`, {
      hint: 'Give <node>=<docker host> per node (e.g. --node-host pc02=ssh://teacher@pc02), or one address for all nodes with {hostname} or {addr} in it (e.g. --node-host ssh://teacher@{addr})',
    });
  for (const v of values) {
    const eq = /^([A-Za-z0-9][A-Za-z0-9._-]*)=(.*)$/.exec(v);
    if (eq && !/[{}]/.test(eq[1]!)) {
      if (!HOST_RE.test(eq[2]!)) throw bad(v, `gives ${eq[1]} no unix://, tcp:// or ssh:// address`);
      if (out.byNode[eq[1]!]) throw bad(v, `names node ${eq[1]} twice`);
      out.byNode[eq[1]!] = eq[2]!;
      continue;
    }
    if (!HOST_RE.test(v)) throw bad(v, 'is not a unix://, tcp:// or ssh:// address');
    if (!/\{(hostname|addr)\}/.test(v))
      throw bad(v, 'names no node: put {hostname} or {addr} in it, or write <node>=<docker host>');
    if (out.template) throw bad(v, `is a second address for all nodes (the first: ${out.template})`);
    out.template = v;
  }
  return out;
}

/** --node-host for a command: parsed with --target swarm, undefined when not given; exit 2 without --target swarm, where it would do nothing. */
export function nodeHostsFor(
  target: string | undefined,
  values: readonly string[] | undefined,
  command: string,
): NodeHosts | undefined {
  if (!values?.length) return undefined;
  if (target !== 'swarm')
    throw new UsageError("--node-host names the engines of a swarm's nodes: it needs --target swarm", {
      hint: `lab ${command} --target swarm --node-host ${values[0]}`,
    });
  return parseNodeHosts(values);
}

/** The docker host of a node's engine, or undefined when --node-host does not say. */
export function nodeHostOf(hosts: NodeHosts, node: Pick<SwarmNode, 'hostname' | 'addr'>): string | undefined {
  return (
    hosts.byNode[node.hostname] ??
    hosts.template?.replaceAll('{hostname}', node.hostname).replaceAll('{addr}', node.addr)
  );
}

/** Node names --node-host gives that the swarm has not (a typo would otherwise copy nothing silently). */
export const unknownNodeHosts = (hosts: NodeHosts, nodes: readonly Pick<SwarmNode, 'hostname'>[]): string[] =>
  Object.keys(hosts.byNode).filter((n) => !nodes.some((x) => x.hostname === n));

/**
 * The ready nodes --node-host gives a docker host for, and the ready ones it does not name.
 * A name the swarm has no node of exits 2 (a typo would otherwise reach nothing silently). Pure.
 */
export function nodesToReach(
  hosts: NodeHosts,
  nodes: readonly SwarmNode[],
): { reached: { node: SwarmNode; host: string }[]; unreached: string[] } {
  const unknown = unknownNodeHosts(hosts, nodes);
  if (unknown.length)
    throw new UsageError(`--node-host names ${unknown.join(', ')}, which the swarm has no node of`, {
      hint: `The swarm's nodes: ${nodes.map((n) => n.hostname).join(', ')} (docker node ls)`,
    });
  const ready = nodes.filter((n) => n.state === 'ready');
  const reached = ready.flatMap((node) => {
    const host = nodeHostOf(hosts, node);
    return host ? [{ node, host }] : [];
  });
  return { reached, unreached: ready.filter((n) => !reached.some((r) => r.node.id === n.id)).map((n) => n.hostname) };
}

/**
 * What to copy where: every image a reachable node lacks, from the manager. `present` maps a
 * node's hostname to the images it has (undefined: lab cannot reach it). Pure.
 */
export function copyPlan(
  images: readonly string[],
  nodes: readonly string[],
  present: Record<string, readonly string[] | undefined>,
): { node: string; images: string[] }[] {
  return nodes.flatMap((node) => {
    const has = present[node];
    if (!has) return [];
    const missing = images.filter((i) => !has.includes(i));
    return missing.length ? [{ node, images: missing }] : [];
  });
}
