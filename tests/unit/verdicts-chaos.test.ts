import { describe, expect, it } from 'vitest';
import { type ChaosOutcome, chaosSummaryLines, judgeChaos, judgeChaosRuns } from '../../src/core/verdicts-chaos.ts';
import { plainPalette as plain } from '../../src/core/palette.ts';

const slo = { availability: 99.5, p95Ms: 300, answerWithinMs: 2000 };
const run = (o: Partial<ChaosOutcome>): ChaosOutcome => ({
  seed: 1,
  sent: 1000,
  failed: 0,
  p95Ms: 40,
  faults: 4,
  ...o,
});

describe('judgeChaos', () => {
  it.each<[string, Partial<ChaosOutcome>, boolean, RegExp]>([
    [
      'no failure, fast',
      {},
      true,
      /seed 1: 100% of 1000 request\(s\) succeeded \(0 failed\), p95 40 ms, 4 fault\(s\); the SLO \(availability ≥ 99.5% \(answered within 2000 ms\), p95 ≤ 300 ms\) holds/,
    ],
    ['exactly at the availability objective', { failed: 5 }, true, /99.5% of 1000/],
    ['one request under it', { failed: 6 }, false, /does not hold: availability 99.4% < 99.5%$/],
    ['exactly at the p95 objective', { p95Ms: 300 }, true, /holds/],
    ['p95 over it', { p95Ms: 1014.4 }, false, /does not hold: p95 1014 ms > 300 ms$/],
    ['both missed', { failed: 47, sent: 600, p95Ms: 1014 }, false, /availability 92.16% < 99.5%, p95 1014 ms > 300 ms/],
    ['nothing sent', { sent: 0 }, false, /no request was sent, so the SLO cannot be judged/],
  ])('%s', (_name, o, pass, reason) => {
    const v = judgeChaos(run(o), slo);
    expect(v.pass).toBe(pass);
    expect(v.reason).toMatch(reason);
  });

  it('rounds availability down, so 99.49…% never reads as 99.5%', () => {
    expect(judgeChaos(run({ sent: 2000, failed: 11 }), slo)).toMatchObject({ pass: false, availability: 99.45 });
  });
});

describe('judgeChaosRuns', () => {
  it.each<[string, Partial<ChaosOutcome>[], number, boolean, RegExp]>([
    [
      'two seeds, both hold',
      [{ seed: 11 }, { seed: 12, p95Ms: 90 }],
      2,
      true,
      /held for 2 seed\(s\): seed 11 100%, p95 40 ms; seed 12 100%, p95 90 ms/,
    ],
    ['the second seed misses', [{ seed: 11 }, { seed: 12, failed: 30 }], 2, false, /^seed 12: 97% of 1000/],
    [
      'the first misses and the check stopped there',
      [{ seed: 11, p95Ms: 500 }],
      2,
      false,
      /^seed 11: .*p95 500 ms > 300 ms$/,
    ],
    ['a run cut short (Ctrl-C)', [{ seed: 11 }], 2, false, /only 1 of 2 chaos run\(s\) finished/],
  ])('%s', (_name, runs, wanted, pass, reason) => {
    const v = judgeChaosRuns(runs.map(run), slo, wanted);
    expect(v.pass).toBe(pass);
    expect(v.reason).toMatch(reason);
  });
});

describe('chaosSummaryLines', () => {
  it('prints availability and p95 against the SLO, then the verdict', () => {
    expect(
      chaosSummaryLines(
        {
          ...run({ sent: 600, failed: 47, p95Ms: 1014 }),
          durationS: 10,
          failures: { connect: 0, timeout: 22, '5xx': 24, other: 1 },
          p50Ms: 6,
          rps: 50,
        },
        slo,
        plain,
      ),
    ).toMatchInlineSnapshot(`
      [
        "availability 92.16% (553 of 600 succeeded; failed: timeout 22, 5xx 24, other 1)  SLO ≥ 99.5% within 2000 ms  MISSED",
        "p95 1014 ms (p50 6 ms, 50 req/s)  SLO ≤ 300 ms  MISSED",
        "FAIL seed 1: 92.16% of 600 request(s) succeeded (47 failed), p95 1014 ms, 4 fault(s); the SLO (availability ≥ 99.5% (answered within 2000 ms), p95 ≤ 300 ms) does not hold: availability 92.16% < 99.5%, p95 1014 ms > 300 ms",
      ]
    `);
  });
});
