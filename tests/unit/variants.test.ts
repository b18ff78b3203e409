import { describe, expect, it } from 'vitest';
import { parseVariant, variantVerdict } from '../../src/core/exercises/variants.ts';

describe('parseVariant: the header comment says the task and the grade a variant must get', () => {
  it.each([
    [
      'a correct one',
      '# task: health-checks\n# expect: pass\n# why…\nfrontend web\n',
      { variant: { task: 'health-checks', expect: 'pass' } },
    ],
    [
      'a wrong one with its reason',
      '# task: backup\n# expect: fail\n# reason: 0 backup server(s)\nlisten web\n',
      { variant: { task: 'backup', expect: 'fail', reason: '0 backup server(s)' } },
    ],
    ['no task', '# expect: pass\n', { problem: expect.stringMatching(/names no task/) }],
    [
      'a task line after the config is not the header',
      'frontend web\n# task: x\n',
      { problem: expect.stringMatching(/names no task/) },
    ],
    ['an unknown expectation', '# task: a\n# expect: maybe\n', { problem: expect.stringMatching(/expect: maybe/) }],
    [
      'a wrong one without its reason',
      '# task: a\n# expect: fail\n',
      { problem: expect.stringMatching(/needs "# reason:/) },
    ],
    [
      'a correct one with a reason',
      '# task: a\n# expect: pass\n# reason: x\n',
      { problem: expect.stringMatching(/has no "# reason:"/) },
    ],
  ])('%s', (_n, text, want) => {
    expect(parseVariant(text)).toEqual(want);
  });
});

describe("variantVerdict: lab test's verdict on a graded variant", () => {
  const ok = { task: 'health-checks', expect: 'pass' as const };
  const wrong = { task: 'health-checks', expect: 'fail' as const, reason: 'Health checks are OFF' };
  it.each([
    [
      'a correct one that passes',
      ok,
      { status: 'pass' as const, reason: 'every check passed' },
      'PASS',
      /passes, as it must/,
    ],
    [
      'a correct one that fails names file, task and verdict',
      ok,
      { status: 'fail' as const, reason: 'stopped-replica-goes-down: no surviving replica took the traffic' },
      'FAIL',
      /^v\.cfg: a correct answer to task health-checks got FAIL: stopped-replica/,
    ],
    [
      'a wrong one that passes',
      wrong,
      { status: 'pass' as const, reason: 'every check passed' },
      'FAIL',
      /a wrong answer to task health-checks got PASS/,
    ],
    [
      'a wrong one failing for its reason (case-insensitive)',
      wrong,
      { status: 'fail' as const, reason: 'checks-are-on: health checks are off on 3 of 3 server(s)' },
      'PASS',
      /fails for its stated reason/,
    ],
    [
      'a wrong one failing for another reason',
      wrong,
      { status: 'fail' as const, reason: 'port-8080-answers: got 503' },
      'FAIL',
      /not for its stated reason "Health checks are OFF": got FAIL: port-8080/,
    ],
    [
      'a file HAProxy rejects',
      ok,
      { error: 'HAProxy rejected haproxy.cfg' },
      'FAIL',
      /could not be applied: HAProxy rejected/,
    ],
  ])('%s', (_n, v, graded, verdict, reason) => {
    const got = variantVerdict('v.cfg', v, graded);
    expect(got.verdict).toBe(verdict);
    expect(got.reason).toMatch(reason);
  });
});
