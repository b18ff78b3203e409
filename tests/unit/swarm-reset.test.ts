import { describe, expect, it } from 'vitest';
import { planSwarmReset, type StackObject, tasksToWaitFor } from '../../src/core/swarm-reset.ts';

const labs = (project: string, over: Record<string, string> = {}) => ({
  'lab.managed': 'true',
  'lab.target': 'swarm',
  'lab.project': project,
  'lab.workspace': `/ws/${project}`,
  'com.docker.stack.namespace': project,
  ...over,
});
const obj = (kind: StackObject['kind'], name: string, labels: Record<string, string>): StackObject => ({
  kind,
  name,
  labels,
});

describe('planSwarmReset: only stacks all of whose objects lab deployed', () => {
  it.each([
    ['nothing on the swarm', [], [], []],
    [
      'a lab stack: its services, network and config, and its workspace',
      [
        obj('service', 'e2e_app', labs('e2e')),
        obj('service', 'e2e_haproxy', labs('e2e')),
        obj('network', 'e2e_lab', labs('e2e')),
        obj('config', 'e2e_haproxy-cfg_1', labs('e2e')),
      ],
      [
        {
          project: 'e2e',
          services: ['e2e_app', 'e2e_haproxy'],
          others: ['network e2e_lab', 'config e2e_haproxy-cfg_1'],
          workspace: '/ws/e2e',
        },
      ],
      [],
    ],
    [
      "someone else's stack is not looked at",
      [obj('service', 'web_nginx', { 'com.docker.stack.namespace': 'web' })],
      [],
      [],
    ],
    [
      'a stranger in a lab stack keeps the whole stack',
      [obj('service', 'e2e_app', labs('e2e')), obj('service', 'e2e_db', { 'com.docker.stack.namespace': 'e2e' })],
      [],
      [{ project: 'e2e', name: 'service e2e_db', why: 'no lab.managed=true label' }],
    ],
    [
      'lab labels on a service of another stack name (copied labels) keep it',
      [obj('service', 'x_app', labs('e2e', { 'com.docker.stack.namespace': 'x' }))],
      [],
      [{ project: 'x', name: 'service x_app', why: 'com.docker.stack.namespace (x) is not its lab.project (e2e)' }],
    ],
    [
      'a compose-target lab label (no lab.target) is not a swarm stack of lab',
      [obj('service', 'c_app', { 'lab.managed': 'true', 'lab.project': 'c', 'com.docker.stack.namespace': 'c' })],
      [],
      [],
    ],
  ] as [string, StackObject[], unknown[], unknown[]][])('%s', (_name, objects, stacks, kept) => {
    expect(planSwarmReset(objects)).toEqual({ stacks, kept });
  });
});

describe('tasksToWaitFor: down waits for the tasks stopping on nodes that are up, not for those on a node that is down', () => {
  const nodes = [
    { id: 'n1', state: 'ready' },
    { id: 'n2', state: 'ready' },
    { id: 'n3', state: 'down' },
    { id: 'n4', state: 'unknown' },
    { id: 'n5', state: 'disconnected' },
  ];
  const task = (id: string, nodeId: string, state: string) => ({ id, nodeId, state });
  it.each([
    ['nothing left', [], [], []],
    ['running on ready nodes: waited for', [task('a', 'n1', 'running'), task('b', 'n2', 'starting')], ['a', 'b'], []],
    [
      'already ended: nothing to wait for',
      [
        task('a', 'n1', 'shutdown'),
        task('b', 'n2', 'complete'),
        task('c', 'n1', 'failed'),
        task('d', 'n2', 'rejected'),
        task('e', 'n1', 'orphaned'),
      ],
      [],
      [],
    ],
    [
      'never placed (no node, or still pending): no container',
      [task('a', '', 'pending'), task('b', 'n1', 'new'), task('c', 'n1', 'allocated')],
      [],
      [],
    ],
    [
      'on a crashed node: named, not waited for',
      [task('a', 'n3', 'running'), task('b', 'n1', 'running')],
      ['b'],
      ['a'],
    ],
    ['on a node the swarm no longer lists: not waited for', [task('a', 'n9', 'running')], [], ['a']],
    [
      'on a node in a passing state (unknown, disconnected): waited for',
      [task('a', 'n4', 'running'), task('b', 'n5', 'running')],
      ['a', 'b'],
      [],
    ],
  ])('%s', (_name, tasks, stopping, onDown) => {
    const r = tasksToWaitFor(tasks, nodes);
    expect(r.stopping.map((t) => t.id)).toEqual(stopping);
    expect(r.onDownNodes.map((t) => t.id)).toEqual(onDown);
  });
});
