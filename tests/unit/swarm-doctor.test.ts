import { describe, expect, it } from 'vitest';
import { type SwarmDoctorFacts, swarmDoctorChecks } from '../../src/core/swarm-doctor.ts';
import type { SwarmNode } from '../../src/core/swarm.ts';

const node = (hostname: string, zone?: string): SwarmNode => ({ id: hostname, hostname, addr: '10.0.0.1', state: 'ready', availability: 'active', manager: true, labels: zone ? { zone } : {} });
const GOOD: SwarmDoctorFacts = {
  host: 'unix:///m.sock',
  swarm: 'manager',
  nodes: [node('n1', 'a'), node('n2', 'b'), node('n3', 'c')],
  zoneLabel: 'zone',
  images: [{ ref: 'lab-local/haproxy:3.0', present: true }],
  ports: [{ port: 8080, option: '--app-port', takenBy: [] }],
};
const status = (f: SwarmDoctorFacts) => Object.fromEntries(swarmDoctorChecks(f).map((c) => [c.name, c.status]));

describe('swarmDoctorChecks: one row per check, each problem with its fix', () => {
  it.each([
    ['a good swarm (images only seen on the manager: warn)', GOOD, { 'swarm manager': 'ok', nodes: 'ok', 'zone labels': 'ok', images: 'warn', ports: 'ok' }],
    ['not a swarm: that row only', { ...GOOD, swarm: 'none', nodes: [] }, { 'swarm manager': 'fail' }],
    ['a worker', { ...GOOD, swarm: 'worker' }, { 'swarm manager': 'fail' }],
    ['one node', { ...GOOD, nodes: [node('n1', 'a')] }, { 'swarm manager': 'ok', nodes: 'fail', 'zone labels': 'warn', images: 'warn', ports: 'ok' }],
    ['an unlabelled node', { ...GOOD, nodes: [node('n1', 'a'), node('n2')] }, { 'swarm manager': 'ok', nodes: 'ok', 'zone labels': 'fail', images: 'warn', ports: 'ok' }],
    ['a missing image', { ...GOOD, images: [{ ref: 'lab/whoami:1', present: false }] }, { 'swarm manager': 'ok', nodes: 'ok', 'zone labels': 'ok', images: 'fail', ports: 'ok' }],
    ['a port another stack publishes', { ...GOOD, ports: [{ port: 8080, option: '--app-port', takenBy: ['web_proxy (stack web)'] }] }, { 'swarm manager': 'ok', nodes: 'ok', 'zone labels': 'ok', images: 'warn', ports: 'fail' }],
  ] as [string, SwarmDoctorFacts, Record<string, string>][])('%s', (_n, facts, expected) => {
    expect(status(facts)).toEqual(expected);
    for (const c of swarmDoctorChecks(facts).filter((x) => x.status !== 'ok')) expect(c.fix).toBeTruthy();
  });
});
