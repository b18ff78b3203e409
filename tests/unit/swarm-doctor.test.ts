import { describe, expect, it } from 'vitest';
import { type SwarmDoctorFacts, swarmDoctorChecks } from '../../src/core/swarm-doctor.ts';
import type { SwarmNode } from '../../src/core/swarm.ts';

const node = (hostname: string, zone?: string): SwarmNode => ({
  id: hostname,
  hostname,
  addr: '10.0.0.1',
  state: 'ready',
  availability: 'active',
  manager: true,
  labels: zone ? { zone } : {},
});
const GOOD: SwarmDoctorFacts = {
  host: 'unix:///m.sock',
  swarm: 'manager',
  nodes: [node('n1', 'a'), node('n2', 'b'), node('n3', 'c')],
  zoneLabel: 'zone',
  images: [{ ref: 'lab-local/haproxy:3.0', present: true }],
  ports: [{ port: 8080, option: '--app-port', takenBy: [] }],
};
const on = (node: string, missing: string[] = []) => ({ node, host: `ssh://t@${node}`, missing });
const status = (f: SwarmDoctorFacts) => Object.fromEntries(swarmDoctorChecks(f).map((c) => [c.name, c.status]));

describe('swarmDoctorChecks: one row per check, each problem with its fix', () => {
  it.each([
    [
      'a good swarm (images only seen on the manager: warn)',
      GOOD,
      { 'swarm manager': 'ok', nodes: 'ok', 'zone labels': 'ok', images: 'warn', ports: 'ok' },
    ],
    ['not a swarm: that row only', { ...GOOD, swarm: 'none', nodes: [] }, { 'swarm manager': 'fail' }],
    ['a worker', { ...GOOD, swarm: 'worker' }, { 'swarm manager': 'fail' }],
    [
      'one node',
      { ...GOOD, nodes: [node('n1', 'a')] },
      { 'swarm manager': 'ok', nodes: 'fail', 'zone labels': 'warn', images: 'warn', ports: 'ok' },
    ],
    [
      'an unlabelled node',
      { ...GOOD, nodes: [node('n1', 'a'), node('n2')] },
      { 'swarm manager': 'ok', nodes: 'ok', 'zone labels': 'fail', images: 'warn', ports: 'ok' },
    ],
    [
      'a missing image',
      { ...GOOD, images: [{ ref: 'lab/whoami:1', present: false }] },
      { 'swarm manager': 'ok', nodes: 'ok', 'zone labels': 'ok', images: 'fail', ports: 'ok' },
    ],
    [
      'a port another stack publishes',
      { ...GOOD, ports: [{ port: 8080, option: '--app-port', takenBy: ['web_proxy (stack web)'] }] },
      { 'swarm manager': 'ok', nodes: 'ok', 'zone labels': 'ok', images: 'warn', ports: 'fail' },
    ],
    ...(
      [
        [
          '--node-host: every node has every image',
          { nodes: [on('n1'), on('n2'), on('n3')], unreached: [] },
          'ok',
          /on the manager and on n1, n2, n3: lab-local\/haproxy:3.0/,
        ],
        [
          '--node-host: a node lacks one (lab up copies it)',
          { nodes: [on('n1'), on('n2', ['lab-local/haproxy:3.0']), on('n3')], unreached: [] },
          'warn',
          /n2 lacks lab-local\/haproxy:3.0/,
        ],
        [
          '--node-host names not every node',
          { nodes: [on('n1'), on('n2')], unreached: ['n3'] },
          'warn',
          /n3 not looked at \(--node-host does not name it\)/,
        ],
        [
          '--node-host: a node lab cannot reach',
          { nodes: [on('n1'), { ...on('n2'), error: 'connect ECONNREFUSED' }], unreached: [] },
          'fail',
          /cannot reach n2's engine \(ssh:\/\/t@n2, from --node-host\): connect ECONNREFUSED/,
        ],
      ] as const
    ).map(([name, onNodes, images, detail]) => [
      name,
      { ...GOOD, onNodes },
      { 'swarm manager': 'ok', nodes: 'ok', 'zone labels': 'ok', images, ports: 'ok' },
      detail,
    ]),
  ] as [string, SwarmDoctorFacts, Record<string, string>, RegExp?][])('%s', (_n, facts, expected, detail) => {
    if (detail) expect(swarmDoctorChecks(facts).find((c) => c.name === 'images')!.detail).toMatch(detail);
    expect(status(facts)).toEqual(expected);
    for (const c of swarmDoctorChecks(facts).filter((x) => x.status !== 'ok')) expect(c.fix).toBeTruthy();
  });
});
