import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.ts';
import { describeRollout, planRollout, type RolloutInput } from '../../src/core/rollout-plan.ts';

const base: RolloutInput = {
  service: 'app',
  services: ['app'],
  to: 'v2',
  from: 'v1',
  versions: ['v1', 'v2'],
  replicas: [3, 1, 2],
};

describe('planRollout', () => {
  it.each<[string, Partial<RolloutInput>, number[][]]>([
    ['rolling, one at a time by default, in replica order', {}, [[1], [2], [3]]],
    ['rolling in batches of 2', { batch: '2' }, [[1, 2], [3]]],
    ['rolling, a batch of all', { batch: '3' }, [[1, 2, 3]]],
    ['recreate: all at once', { strategy: 'recreate' }, [[1, 2, 3]]],
    ['one replica', { replicas: [4] }, [[4]]],
    ['replicas already on the version are left alone', { current: { 1: 'v1', 2: 'v2', 3: 'v1' } }, [[1], [3]]],
    ['every replica on the version: nothing to do', { current: { 1: 'v2', 2: 'v2', 3: 'v2' } }, []],
    ['recreate only what is not on the version', { strategy: 'recreate', current: { 1: 'v2' } }, [[2, 3]]],
  ])('%s', (_name, change, batches) => {
    const plan = planRollout({ ...base, ...change });
    expect(plan.batches).toEqual(batches);
    expect(plan).toMatchObject({ service: 'app', from: 'v1', to: 'v2' });
  });

  it.each<[string, Partial<RolloutInput>, RegExp]>([
    [
      'a batch larger than the replicas',
      { batch: '4' },
      /--batch must be a whole number from 1 to 3, the replicas of app \(got "4"\)/,
    ],
    ['a batch of 0', { batch: '0' }, /--batch must be a whole number from 1 to 3/],
    ['a batch that is no number', { batch: 'two' }, /got "two"/],
    [
      'an unknown strategy',
      { strategy: 'bluegreen' },
      /--strategy must be one of rolling, recreate \(got "bluegreen"\)/,
    ],
    ['a version the app cannot have', { to: 'v 2;rm' }, /--to must be a version of letters, digits/],
    [
      'a version the service does not have',
      { to: 'v9' },
      /--to must be one of the versions app has: v1, v2 \(got "v9"\)/,
    ],
    [
      'a service without versions',
      { versions: undefined },
      /app declares no versions to roll to: the lab file needs versions: \[v1, v2\]/,
    ],
    ['an unknown service', { service: 'db' }, /Unknown service "db": the lab's app service is app/],
    ['no replicas', { replicas: [] }, /app has no replicas to roll/],
    ['--batch with recreate', { strategy: 'recreate', batch: '1' }, /--batch is for --strategy rolling/],
    [
      '--batch with recreate, whatever its value',
      { strategy: 'recreate', batch: '5' },
      /--batch is for --strategy rolling/,
    ],
  ])('exit 2 for %s', (_name, change, message) => {
    expect(() => planRollout({ ...base, ...change })).toThrow(UsageError);
    expect(() => planRollout({ ...base, ...change })).toThrow(message);
  });
});

describe('describeRollout', () => {
  it('one line per replica after the summary', () => {
    const plan = planRollout(base);
    expect(
      describeRollout(
        plan,
        [
          {
            replica: 1,
            server: 'app2',
            from: 'v1',
            to: 'v2',
            drainMs: 12,
            downMs: 1500,
            newReplica: 4,
            newServer: 'app5',
          },
        ],
        4200,
      ),
    ).toBe(
      'app: v1 → v2 (rolling, 3 batch(es)) in 4.2 s\n  app/1 (app2): v1 → v2, now app/4 (app5), drained in 12 ms, back in rotation after 1500 ms',
    );
  });
  it('recreate drains nothing; replicas already there are named', () => {
    const plan = planRollout({ ...base, strategy: 'recreate', current: { 3: 'v2' } });
    expect(
      describeRollout(
        plan,
        [{ replica: 1, server: null, from: 'v1', to: 'v2', drainMs: 0, downMs: 900, newReplica: 1, newServer: 'app1' }],
        900,
      ),
    ).toBe(
      'app: v1 → v2 (recreate, 1 batch(es)) in 0.9 s\n  app/1: v1 → v2, now app/1 (app1), back in rotation after 900 ms\n  already on v2: app/3',
    );
  });
});

describe('runtime API commands and answers', async () => {
  const { parseSetAnswer, setServerStateCommand } = await import('../../src/haproxy/runtime-api.ts');
  it.each([
    ['app', 'app1', 'drain', 'set server app/app1 state drain'],
    ['app', 'app10', 'ready', 'set server app/app10 state ready'],
  ] as const)('%s/%s %s', (backend, server, state, want) => {
    expect(setServerStateCommand(backend, server, state)).toBe(want);
  });
  it('refuses names that would break out of the script', () => {
    expect(() => setServerStateCommand('app', "app1'; rm -rf /", 'drain')).toThrow(/not a backend\/server name/);
  });
  it.each([
    ['\n', { ok: true }],
    ['', { ok: true }],
    ['No such server.\n\n', { ok: false, reason: 'No such server.' }],
    ['Permission denied\n', { ok: false, reason: 'Permission denied' }],
  ])('answer %j', (text, want) => {
    expect(parseSetAnswer(text)).toEqual(want);
  });
});
