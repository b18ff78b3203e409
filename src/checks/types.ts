import { notRunReason } from '../core/exercises/check-order.ts';
import type { TaskCheck } from '../core/task-schema.ts';

export interface CheckResult {
  name: string;
  /** A kind of `checks:` or of a task's checks. */
  kind: TaskCheck['kind'];
  /** SKIP: not run, because a cheaper check of the same task failed first (reason says which). */
  verdict: 'PASS' | 'FAIL' | 'SKIP';
  reason: string;
  ms: number;
  /** Text a person reads: a table, a timeline. */
  report: string[];
  /** performance.now() when it started (set by runChecks): places a drill's events on a report's timeline. */
  startedAt?: number;
  /** Numbers for --json. */
  data?: unknown;
}

/**
 * A check's result from its verdict, timed from `t0` (performance.now() when the check began):
 * the one place a CheckResult is put together, so every kind reports the same way.
 */
export function resultOf(
  name: string,
  kind: CheckResult['kind'],
  t0: number,
  verdict: { pass: boolean; reason: string },
  more: { report?: string[]; data?: unknown } = {},
): CheckResult {
  return {
    name,
    kind,
    verdict: verdict.pass ? 'PASS' : 'FAIL',
    reason: verdict.reason,
    ms: performance.now() - t0,
    report: more.report ?? [],
    ...(more.data === undefined ? {} : { data: more.data }),
  };
}

/** A check not run because `failedFirst`, a cheaper check of its task, failed (core/exercises/check-order.ts). */
export const notRun = (name: string, kind: CheckResult['kind'], failedFirst: string): CheckResult => ({
  name,
  kind,
  verdict: 'SKIP',
  reason: notRunReason(failedFirst),
  ms: 0,
  report: [],
});
