import { describe, expect, it } from 'vitest';
import {
  CHAOS_FAULTS,
  type ChaosFault,
  chaosSchedule,
  faultSlots,
  parseChaosSettings,
  TAIL_MS,
  WARM_UP_MS,
} from '../../src/core/chaos-plan.ts';
import { seededRandom } from '../../src/core/seeded-random.ts';
import { UsageError } from '../../src/core/errors.ts';

const ALL = [...CHAOS_FAULTS];

describe('chaosSchedule', () => {
  it('is the same for the same seed, duration, faults and replicas (a snapshot of seed 42)', () => {
    const s = { seed: 42, durationS: 12, faults: ALL, replicas: 3 };
    expect(chaosSchedule(s)).toEqual(chaosSchedule({ ...s }));
    expect(chaosSchedule(s).map((e) => `${e.atMs}+${e.forMs} app/${e.replica} ${e.spec}`)).toMatchSnapshot();
  });

  it.each<
    [
      string,
      { seed: number; durationS: number; faults: ChaosFault[]; replicas: number },
      { seed: number; durationS: number; faults: ChaosFault[]; replicas: number },
    ]
  >([
    [
      'another seed',
      { seed: 1, durationS: 20, faults: ALL, replicas: 3 },
      { seed: 2, durationS: 20, faults: ALL, replicas: 3 },
    ],
    [
      'another duration',
      { seed: 7, durationS: 20, faults: ALL, replicas: 3 },
      { seed: 7, durationS: 30, faults: ALL, replicas: 3 },
    ],
    [
      'other faults',
      { seed: 7, durationS: 20, faults: ['kill', 'hang'], replicas: 3 },
      { seed: 7, durationS: 20, faults: ['pause', 'errors'], replicas: 3 },
    ],
  ])('differs with %s', (_name, a, b) => {
    expect(chaosSchedule(a)).not.toEqual(chaosSchedule(b));
  });

  it.each<[number, ChaosFault[], number, number]>([
    [4, ['kill'], 3, 1],
    [10, ['kill', 'latency', 'errors', 'hang'], 3, 4],
    [12, ALL, 3, 5],
    [30, ALL, 5, 14],
    [600, ['errors'], 2, 299],
  ])(
    '%i s of %j on %i replicas: %i fault(s), one at a time, between warm-up and tail, every fault before any repeats',
    (durationS, faults, replicas, count) => {
      for (const seed of [0, 1, 99, 4294967295]) {
        const list = chaosSchedule({ seed, durationS, faults, replicas });
        expect(list).toHaveLength(count);
        expect(faultSlots(durationS)).toBe(count);
        list.forEach((e, i) => {
          expect(e.atMs).toBeGreaterThanOrEqual(i === 0 ? WARM_UP_MS : list[i - 1]!.atMs + list[i - 1]!.forMs);
          expect(e.atMs + e.forMs).toBeLessThanOrEqual(durationS * 1000 - TAIL_MS);
          expect(e.forMs).toBeGreaterThanOrEqual(900);
          expect(e.replica).toBeGreaterThanOrEqual(1);
          expect(e.replica).toBeLessThanOrEqual(replicas);
        });
        // Every fault listed happens in the first round: a grade does not depend on the seed.
        if (count >= faults.length)
          expect(
            list
              .slice(0, faults.length)
              .map((e) => e.fault.kind)
              .sort(),
          ).toEqual([...faults].sort());
      }
    },
  );

  it.each<[number, number]>([
    [3, 3],
    [3, 4],
    [5, 2],
    [2, 5],
  ])(
    '%i faults on %i replicas: never the replica the previous fault hit, every replica before any twice',
    (faults, replicas) => {
      const durationS = 2 + 2 * faults;
      for (let seed = 0; seed < 200; seed++) {
        const hit = chaosSchedule({ seed, durationS, faults: ['kill', 'errors', 'hang'], replicas }).map(
          (e) => e.replica,
        );
        expect(hit).toHaveLength(faults);
        for (let i = 1; i < hit.length; i++) expect(hit[i], `seed ${seed}: ${hit.join(',')}`).not.toBe(hit[i - 1]);
        const first = hit.slice(0, Math.min(replicas, hit.length));
        expect(new Set(first).size, `seed ${seed}: ${hit.join(',')}`).toBe(first.length);
      }
    },
  );

  it('gives values lab fault accepts: latency 500 to 2000 ms, errors 0.5 to 1', () => {
    const list = chaosSchedule({ seed: 3, durationS: 600, faults: ['latency', 'errors'], replicas: 3 });
    for (const e of list) {
      if (e.fault.kind === 'latency') expect(e.spec).toMatch(/^latency=(500|800|1000|1500|2000)$/);
      else expect(e.spec).toMatch(/^errors=(0\.5|0\.75|1)$/);
    }
  });

  it('has nothing to break without replicas', () => {
    expect(chaosSchedule({ seed: 1, durationS: 10, faults: ALL, replicas: 0 })).toEqual([]);
  });

  it('draws numbers in [0, 1) from a seed, the same each time', () => {
    const a = seededRandom(5);
    const b = seededRandom(5);
    const xs = Array.from({ length: 100 }, () => a());
    expect(xs).toEqual(Array.from({ length: 100 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('parseChaosSettings', () => {
  const random = () => 1234;
  it.each<[string, Record<string, string>, object]>([
    ['the defaults: 30 s, a random seed, every fault', {}, { durationS: 30, seed: 1234, faults: ALL }],
    ['a duration and a seed', { duration: '20', seed: '42' }, { durationS: 20, seed: 42 }],
    ['an hour exactly', { duration: '3600' }, { durationS: 3600 }],
    ['faults in the order given, repeats dropped', { faults: 'hang, kill,hang' }, { faults: ['hang', 'kill'] }],
  ])('%s', (_name, o, expected) => {
    expect(parseChaosSettings(o, random)).toMatchObject(expected);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'a duration over an hour',
      { duration: '3601' },
      /--duration must be seconds from 4 to 3600 \(an hour\) \(got "3601"\)/,
    ],
    ['a duration too short for a fault', { duration: '3' }, /--duration must be seconds from 4/],
    ['a duration that is no number', { duration: '1h' }, /got "1h"/],
    [
      'an unknown fault',
      { faults: 'kill,meteor' },
      /--faults: unknown fault "meteor"; the allowed values are kill, pause, latency, errors, hang/,
    ],
    ["lab fault's values are not chaos's", { faults: 'latency=300' }, /unknown fault "latency=300"/],
    ['an empty fault', { faults: 'kill,' }, /unknown fault ""/],
    ['a negative seed', { seed: '-1' }, /--seed must be a whole number from 0 to 4294967295 \(got "-1"\)/],
    ['a seed too large', { seed: '4294967296' }, /--seed must be a whole number/],
  ])('exit 2 for %s', (_name, o, message) => {
    expect(() => parseChaosSettings(o, random)).toThrow(UsageError);
    expect(() => parseChaosSettings(o, random)).toThrow(message);
  });
});
