import { describe, expect, it } from 'vitest';
import {
  emptyZones,
  parseZoneLabel,
  replicasPerZone,
  type SwarmNode,
  type SwarmTask,
  swarmProblems,
  swarmUnsupported,
  taskProblem,
  whyNotLabsService,
} from '../../src/core/swarm.ts';

const node = (hostname: string, zone: string | undefined, over: Partial<SwarmNode> = {}): SwarmNode => ({
  id: `id-${hostname}`,
  hostname,
  addr: `10.0.0.${hostname.slice(1)}`,
  state: 'ready',
  availability: 'active',
  manager: true,
  labels: zone ? { zone } : {},
  ...over,
});
const task = (service: string, nodeId: string, over: Partial<SwarmTask> = {}): SwarmTask => ({
  id: `t-${Math.random()}`,
  service,
  nodeId,
  state: 'running',
  desired: 'running',
  addrs: [],
  ...over,
});
const HOST = 'unix:///run/m.sock';

describe('swarmProblems: what keeps a lab off a swarm, each with what to do', () => {
  it.each([
    ['no swarm', 'none', [node('n1', 'a'), node('n2', 'b')], [/not part of a Docker Swarm/]],
    ['a worker', 'worker', [], [/is a swarm worker/]],
    ['a good swarm', 'manager', [node('n1', 'a'), node('n2', 'b'), node('n3', 'c')], []],
    ['one node', 'manager', [node('n1', 'a')], [/1 node\(s\) ready and active; .* at least 2/]],
    [
      'one node ready, one down',
      'manager',
      [node('n1', 'a'), node('n2', 'b', { state: 'down' })],
      [/1 node\(s\) ready/],
    ],
    ['one drained', 'manager', [node('n1', 'a'), node('n2', 'b', { availability: 'drain' }), node('n3', 'c')], []],
    ['an unlabelled node', 'manager', [node('n1', 'a'), node('n2', undefined)], [/1 node\(s\) have no zone label: n2/]],
    ['too few and unlabelled', 'manager', [node('n1', undefined)], [/at least 2/, /no zone label: n1/]],
  ] as const)('%s', (_name, swarm, nodes, expected) => {
    const problems = swarmProblems({ host: HOST, swarm, nodes: [...nodes], zoneLabel: 'zone' });
    expect(problems).toHaveLength(expected.length);
    problems.forEach((p, i) => {
      expect(p.detail).toMatch(expected[i]!);
      expect(p.fix).not.toBe('');
    });
  });
});

describe("whyNotLabsService: a service, network or config is lab's only with all of lab's labels and its own stack", () => {
  const labs = { 'lab.managed': 'true', 'lab.target': 'swarm', 'lab.project': 'p', 'com.docker.stack.namespace': 'p' };
  it.each([
    ["lab's", labs, undefined],
    ['no labels', {}, /no lab.managed/],
    ["a compose lab's labels", { ...labs, 'lab.target': undefined }, /no lab.target=swarm/],
    ['another stack', { ...labs, 'com.docker.stack.namespace': 'q' }, /namespace \(q\) is not its lab.project \(p\)/],
    ['deployed by hand', { ...labs, 'com.docker.stack.namespace': undefined }, /absent/],
  ] as const)('%s', (_n, labels, why) => {
    const w = whyNotLabsService(labels as Record<string, string>);
    if (why === undefined) expect(w).toBeUndefined();
    else expect(w).toMatch(why);
  });
});

describe('taskProblem: task errors only an operator can fix', () => {
  const n2 = node('n2', 'b');
  it.each([
    [
      'No such image: lab/whoami:1',
      /app cannot start on n2 \(10.0.0.2\): image lab\/whoami:1 is not on that node/,
      undefined,
    ],
    ['no suitable node (scheduling constraints not satisfied on 3 nodes)', /has no node to run on/, true],
    ['no suitable node (host-mode port already in use on 1 node)', /cannot publish its ports/, true],
    ['task: non-zero exit (1)', undefined, undefined],
  ])('%s', (error, expected, transient) => {
    const p = taskProblem(task('app', n2.id, { error, state: 'rejected' }), n2);
    if (expected === undefined) expect(p).toBeUndefined();
    else expect(p?.detail).toMatch(expected);
    expect(p?.transient).toBe(transient);
  });
});

it('replicasPerZone counts running replicas by the zone of their node', () => {
  const nodes = [node('n1', 'a'), node('n2', 'b'), node('n3', 'a')];
  const tasks = [
    task('app', 'id-n1'),
    task('app', 'id-n3'),
    task('app', 'id-n2'),
    task('haproxy', 'id-n2'),
    task('app', 'id-n2', { desired: 'shutdown', state: 'shutdown' }),
    task('app', 'id-n2', { state: 'starting' }),
  ];
  expect(replicasPerZone(nodes, tasks, 'zone')).toEqual({ a: 2, b: 1 });
});

describe('emptyZones: zones that could serve but run no replica', () => {
  const nodes = [node('n1', 'a'), node('n2', 'b'), node('n3', 'c')];
  const on = (...ids: string[]) => ids.map((id) => task('app', `id-${id}`));
  it.each([
    ['two per zone', on('n1', 'n1', 'n2', 'n2', 'n3', 'n3'), 6, []],
    ['0/3/3 after a rebalance', on('n2', 'n2', 'n2', 'n3', 'n3', 'n3'), 6, ['a']],
    ['two zones empty', on('n3', 'n3'), 2, []],
    ['three replicas, one zone empty', on('n1', 'n2', 'n2'), 3, ['c']],
  ] as const)('%s', (_, tasks, replicas, empty) => {
    expect(emptyZones(nodes, tasks, 'zone', replicas)).toEqual(empty);
  });
  it('a drained or down node does not count as a zone that could serve', () => {
    const drained = [node('n1', 'a'), node('n2', 'b'), { ...node('n3', 'c'), availability: 'drain' }];
    expect(emptyZones(drained, on('n1', 'n2'), 'zone', 2)).toEqual([]);
    const down = [node('n1', 'a'), node('n2', 'b'), { ...node('n3', 'c'), state: 'down' }];
    expect(emptyZones(down, on('n1', 'n1', 'n2'), 'zone', 3)).toEqual([]);
  });
});

it.each([
  ['zone', true],
  ['rack.id', true],
  ['', false],
  ['a b', false],
  ['-x', false],
])('parseZoneLabel(%j) accepted: %s', (raw, ok) => {
  if (ok) expect(parseZoneLabel(raw)).toBe(raw);
  else expect(() => parseZoneLabel(raw)).toThrow(/--zone-label/);
});

describe('swarmUnsupported: what the swarm target refuses before deploying', () => {
  it.each([
    [{ loadBalancer: { config: 'generated' } }, []],
    [{ services: { web: {} }, loadBalancer: { config: 'generated' } }, []],
    [{ services: { web: {}, api: {} }, loadBalancer: { config: 'generated' } }, ['several services (services:)']],
    [{ clients: 3, loadBalancer: { config: 'generated' } }, ['client containers (clients:)']],
    [{ loadBalancer: { config: 'student' } }, ['a student-written haproxy.cfg (loadBalancer.config: student)']],
  ])('%j → %j', (lab, expected) => {
    expect(swarmUnsupported(lab)).toEqual(expected);
  });
});
