import { describe, expect, it } from 'vitest';
import { planSwarmReset, type StackObject } from '../../src/core/swarm-reset.ts';

const labs = (project: string, over: Record<string, string> = {}) => ({ 'lab.managed': 'true', 'lab.target': 'swarm', 'lab.project': project, 'lab.workspace': `/ws/${project}`, 'com.docker.stack.namespace': project, ...over });
const obj = (kind: StackObject['kind'], name: string, labels: Record<string, string>): StackObject => ({ kind, name, labels });

describe('planSwarmReset: only stacks all of whose objects lab deployed', () => {
  it.each([
    ['nothing on the swarm', [], [], []],
    [
      "a lab stack: its services, network and config, and its workspace",
      [obj('service', 'e2e_app', labs('e2e')), obj('service', 'e2e_haproxy', labs('e2e')), obj('network', 'e2e_lab', labs('e2e')), obj('config', 'e2e_haproxy-cfg_1', labs('e2e'))],
      [{ project: 'e2e', services: ['e2e_app', 'e2e_haproxy'], others: ['network e2e_lab', 'config e2e_haproxy-cfg_1'], workspace: '/ws/e2e' }],
      [],
    ],
    ["someone else's stack is not looked at", [obj('service', 'web_nginx', { 'com.docker.stack.namespace': 'web' })], [], []],
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
