import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/checks/types.ts';
import { printResults } from '../../src/commands/check.ts';
import type { Context } from '../../src/cli/context.ts';
import { plainColors } from '../../src/ui/colors.ts';
import { Output } from '../../src/ui/output.ts';

function capture(json = false) {
  const stdout = {
    text: '',
    write(s: string) {
      this.text += s;
    },
  };
  const stderr = {
    text: '',
    write(s: string) {
      this.text += s;
    },
  };
  const ctx = {
    out: new Output(stdout, stderr, plainColors, json),
    env: {},
    cwd: '/',
    signal: new AbortController().signal,
  } satisfies Context;
  return { ctx, stdout, stderr };
}

const failedToRun: CheckResult = {
  name: 'traffic-is-spread',
  kind: 'distribution',
  verdict: 'FAIL',
  reason: "HAProxy's stats endpoint http://localhost:1936/ does not answer (ECONNREFUSED)",
  ms: 3,
  report: [],
};
const judged: CheckResult = {
  name: 'traffic-is-spread',
  kind: 'distribution',
  verdict: 'FAIL',
  reason: 'app1 served 100% of 300 requests',
  ms: 3,
  report: ['300 requests ...', 'table\n\nexpected: ...\nFAIL app1 served 100% of 300 requests'],
};

describe('lab check, text mode', () => {
  it('a distribution check that could not run prints its reason (it had only been in --json)', () => {
    const { ctx, stdout } = capture();
    printResults(ctx, 'p', [failedToRun]);
    expect(stdout.text).toContain(`FAIL ${failedToRun.reason}`);
  });

  it('a judged distribution check prints its verdict once, inside its report', () => {
    const { ctx, stdout } = capture();
    printResults(ctx, 'p', [judged]);
    expect(stdout.text.split(judged.reason)).toHaveLength(2);
  });

  it('--json carries the reason too', () => {
    const { ctx, stdout } = capture(true);
    printResults(ctx, 'p', [failedToRun]);
    expect(JSON.parse(stdout.text).checks[0].reason).toBe(failedToRun.reason);
  });
});
