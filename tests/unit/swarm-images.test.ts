import { describe, expect, it } from 'vitest';
import {
  copyPlan,
  hashTagged,
  nodeHostOf,
  nodeHostsFor,
  nodesToReach,
  parseNodeHosts,
  stackImages,
  unknownNodeHosts,
} from '../../src/core/swarm-images.ts';
import type { SwarmNode } from '../../src/core/swarm.ts';
import { lab03, WHOAMI_CONTEXT } from '../helpers/lab03.ts';

const HASH = '0123456789abcdef';

describe('hashTagged: a lab-built image runs under a tag that carries its build context hash', () => {
  it.each([
    ['lab/whoami:1', 'lab/whoami:1-0123456789abcdef'],
    ['lab/whoami', 'lab/whoami:latest-0123456789abcdef'],
    ['registry.local:5000/lab/whoami:1', 'registry.local:5000/lab/whoami:1-0123456789abcdef'],
    ['registry.local:5000/whoami', 'registry.local:5000/whoami:latest-0123456789abcdef'],
    ['lab/whoami@sha256:abc', 'lab/whoami@sha256:abc'],
    [`lab/whoami:${'x'.repeat(130)}`, `lab/whoami:${'x'.repeat(111)}-0123456789abcdef`],
  ])('%s', (ref, tagged) => {
    expect(hashTagged(ref, HASH)).toBe(tagged);
    expect(tagged.split(/:(?=[^/]*$)/).pop()!.length).toBeLessThanOrEqual(128);
  });
});

describe('stackImages: the app image hash-tagged when lab builds it, substitutions applied', () => {
  const lab = lab03();
  it.each([
    ['no build context known', {}, {}, ['lab/whoami:1', 'haproxy:3.0']],
    ['built', {}, { app: { context: WHOAMI_CONTEXT, hash: HASH } }, [`lab/whoami:1-${HASH}`, 'haproxy:3.0']],
    [
      'built, images mapped',
      { 'lab/whoami:1': 'm.local/whoami:2', 'haproxy:3.0': 'lab-local/haproxy:3.0' },
      { app: { context: WHOAMI_CONTEXT, hash: HASH } },
      [`m.local/whoami:2-${HASH}`, 'lab-local/haproxy:3.0'],
    ],
    [
      'a context without a hash is not rebuilt',
      {},
      { app: { context: WHOAMI_CONTEXT } },
      ['lab/whoami:1', 'haproxy:3.0'],
    ],
  ])('%s', (_name, images, builds, refs) => {
    expect(stackImages(lab, images, builds).map((i) => i.ref)).toEqual(refs);
  });
  it('a build carries its context, its substituted base image and the hash', () => {
    const [app] = stackImages(
      lab,
      { 'node:20-alpine': 'lab-local/node:20' },
      { app: { context: WHOAMI_CONTEXT, hash: HASH } },
    );
    expect(app!.build).toEqual({
      context: WHOAMI_CONTEXT,
      args: { BASE_IMAGE: 'lab-local/node:20' },
      lab: lab.id,
      hash: HASH,
    });
  });
});

describe('parseNodeHosts: <node>=<docker host> per node, or one address for all with {hostname}/{addr}', () => {
  it.each([
    [[], { byNode: {} }],
    [
      ['pc02=ssh://t@pc02', 'pc03=tcp://10.0.0.3:2375'],
      { byNode: { pc02: 'ssh://t@pc02', pc03: 'tcp://10.0.0.3:2375' } },
    ],
    [['ssh://teacher@{addr}'], { byNode: {}, template: 'ssh://teacher@{addr}' }],
    [
      ['unix:///run/labsw-{hostname}.sock', 'n1=unix:///var/run/docker.sock'],
      { byNode: { n1: 'unix:///var/run/docker.sock' }, template: 'unix:///run/labsw-{hostname}.sock' },
    ],
  ])('%j', (values, parsed) => {
    expect(parseNodeHosts(values)).toEqual(parsed);
  });
  it.each([
    [['pc02=pc02'], /gives pc02 no unix:\/\/, tcp:\/\/ or ssh:\/\/ address/],
    [['ssh://teacher@pc02'], /names no node: put \{hostname\} or \{addr\}/],
    [['http://{addr}'], /is not a unix:\/\/, tcp:\/\/ or ssh:\/\/ address/],
    [['a=ssh://a', 'a=ssh://b'], /names node a twice/],
    [['ssh://{addr}', 'tcp://{addr}:2375'], /a second address for all nodes/],
  ])('%j exits 2: %s', (values, message) => {
    expect(() => parseNodeHosts(values)).toThrow(
      expect.objectContaining({
        exitCode: 2,
        message: expect.stringMatching(message),
        hint: expect.stringContaining('--node-host'),
      }),
    );
  });
});

describe('nodeHostOf and unknownNodeHosts', () => {
  const hosts = parseNodeHosts(['n1=unix:///var/run/docker.sock', 'ssh://t@{addr}/{hostname}']);
  it.each([
    ['n1', '10.0.0.1', 'unix:///var/run/docker.sock'],
    ['n2', '10.0.0.2', 'ssh://t@10.0.0.2/n2'],
  ])('%s', (hostname, addr, host) => expect(nodeHostOf(hosts, { hostname, addr })).toBe(host));
  it('a node only a name gives is undefined without a template; a name the swarm lacks is reported', () => {
    expect(nodeHostOf(parseNodeHosts(['n1=ssh://a']), { hostname: 'n2', addr: 'x' })).toBeUndefined();
    expect(
      unknownNodeHosts(parseNodeHosts(['n1=ssh://a', 'pc9=ssh://b']), [{ hostname: 'n1' }, { hostname: 'n2' }]),
    ).toEqual(['pc9']);
  });
});

describe('nodesToReach: the ready nodes --node-host reaches, and those it does not name', () => {
  const node = (hostname: string, state = 'ready'): SwarmNode => ({
    id: `id-${hostname}`,
    hostname,
    addr: `10.0.0.${hostname.slice(1)}`,
    state,
    availability: 'active',
    manager: false,
    labels: {},
  });
  const nodes = [node('n1'), node('n2'), node('n3', 'down')];
  it.each([
    [
      'a template reaches every ready node',
      ['ssh://t@{addr}'],
      [
        ['n1', 'ssh://t@10.0.0.1'],
        ['n2', 'ssh://t@10.0.0.2'],
      ],
      [],
    ],
    ['a name per node: the others are not reached', ['n1=unix:///a.sock'], [['n1', 'unix:///a.sock']], ['n2']],
    ['a node that is down is neither', ['n3=unix:///c.sock'], [], ['n1', 'n2']],
  ])('%s', (_n, values, reached, unreached) => {
    const r = nodesToReach(parseNodeHosts(values), nodes);
    expect(r.reached.map((x) => [x.node.hostname, x.host])).toEqual(reached);
    expect(r.unreached).toEqual(unreached);
  });
  it('a name the swarm has no node of: exit 2 listing the nodes', () => {
    expect(() => nodesToReach(parseNodeHosts(['pc9=ssh://b']), nodes)).toThrow(
      /--node-host names pc9, which the swarm has no node of/,
    );
  });
});

describe('copyPlan: what each reachable node lacks', () => {
  it.each([
    ['every node has all', { n1: ['a', 'b'], n2: ['b', 'a'] }, []],
    ['one node lacks one', { n1: ['a', 'b'], n2: ['a'] }, [{ node: 'n2', images: ['b'] }]],
    ['a node lab cannot reach is skipped', { n1: [], n2: undefined }, [{ node: 'n1', images: ['a', 'b'] }]],
  ])('%s', (_name, present, plan) => {
    expect(copyPlan(['a', 'b'], ['n1', 'n2'], present)).toEqual(plan);
  });
});

describe('nodeHostsFor: --node-host only with --target swarm', () => {
  it.each([
    ['not given, one engine', 'compose', undefined, undefined],
    ['empty, one engine', 'compose', [], undefined],
    ['not given, swarm', 'swarm', [], undefined],
    ['given, swarm', 'swarm', ['ssh://t@{addr}'], { byNode: {}, template: 'ssh://t@{addr}' }],
  ] as const)('%s', (_n, target, values, expected) => {
    expect(nodeHostsFor(target, values, 'doctor')).toEqual(expected);
  });
  it('given without --target swarm: exit 2 naming the option and the command to run', () => {
    expect(() => nodeHostsFor('compose', ['n2=ssh://t@n2'], 'up 09')).toThrow(
      /--node-host names the engines of a swarm's nodes: it needs --target swarm/,
    );
    const thrown = (() => {
      try {
        nodeHostsFor(undefined, ['n2=ssh://t@n2'], 'up 09');
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toMatchObject({ exitCode: 2, hint: 'lab up 09 --target swarm --node-host n2=ssh://t@n2' });
  });
});
