/** The rollout check's verdict (lab 08): failed requests during the rollout, every replica on the new version and in rotation. */
import { describe, expect, it } from 'vitest';
import { judgeRollout, type RolloutObserved } from '../../src/core/verdicts-rollout.ts';

const three = (version: string | null) => [1, 2, 3].map((n) => ({ name: `lab-08-app-${n + 3}`, version }));
const base: RolloutObserved = {
  service: 'app',
  strategy: 'rolling',
  from: 'v1',
  to: 'v2',
  sent: 600,
  failed: 0,
  failedBy: {},
  replicas: three('v2'),
  inRotation: 3,
  ms: 12_300,
};

describe('rollout verdict', () => {
  it.each<{
    name: string;
    o: Partial<RolloutObserved>;
    e: { maxFailed?: number; minFailed?: number };
    pass: boolean;
    reason: RegExp;
  }>([
    {
      name: 'rolling, nothing failed, all on v2',
      o: {},
      e: { maxFailed: 0 },
      pass: true,
      reason:
        /^0 of 600 requests failed while app rolled from v1 to v2 \(rolling, 12\.3 s\); every one of the 3 replica\(s\) runs v2 and is UP in HAProxy$/,
    },
    {
      name: 'rolling with failures (the starter: no redispatch)',
      o: { failed: 21, failedBy: { 'HTTP 503': 21 } },
      e: { maxFailed: 0 },
      pass: false,
      reason:
        /21 of 600 requests failed .*: HTTP 503 21; expected at most 0: a new replica took requests before it could answer them: does HAProxy retry a refused connection on another server \(retries, option redispatch, and a retry-on list that keeps conn-failure\)/,
    },
    {
      name: 'recreate fails many, as expected',
      o: { strategy: 'recreate', failed: 140 },
      e: { minFailed: 1 },
      pass: true,
      reason: /140 of 600 requests failed .*\(recreate,/,
    },
    {
      name: 'recreate graded like rolling says why',
      o: { strategy: 'recreate', failed: 140 },
      e: { maxFailed: 0 },
      pass: false,
      reason: /recreate replaces every replica at once: nothing is left to answer/,
    },
    {
      name: 'a replica left on the old version',
      o: { replicas: [...three('v2').slice(0, 2), { name: 'lab-08-app-3', version: 'v1' }] },
      e: { maxFailed: 0 },
      pass: false,
      reason: /but lab-08-app-3 runs v1, expected v2 on every replica/,
    },
    {
      name: 'a new replica not UP in HAProxy',
      o: { inRotation: 2 },
      e: { maxFailed: 0 },
      pass: false,
      reason: /HAProxy has only 2 of the 3 new replica\(s\) UP with a passed health check/,
    },
    {
      name: 'the rollout stopped',
      o: { error: 'HAProxy did not have lab-08-app-4 UP with a passed health check within 60 s' },
      e: { maxFailed: 0 },
      pass: false,
      reason: /^the rollout did not finish: HAProxy did not have lab-08-app-4 UP/,
    },
    {
      name: 'no load',
      o: { sent: 0 },
      e: { maxFailed: 0 },
      pass: false,
      reason: /no request was sent during the rollout/,
    },
    {
      name: 'fewer failures than a minimum',
      o: { strategy: 'recreate', failed: 0 },
      e: { minFailed: 1 },
      pass: false,
      reason: /expected at least 1$/,
    },
  ])('$name', ({ o, e, pass, reason }) => {
    const v = judgeRollout({ ...base, ...o }, e);
    expect(v.pass).toBe(pass);
    expect(v.reason).toMatch(reason);
  });
});
