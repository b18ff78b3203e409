import type { TaskCheck } from '../core/task-schema.ts';

export interface CheckResult {
  name: string;
  /** A kind of `checks:` or of a task's checks. */
  kind: TaskCheck['kind'];
  verdict: 'PASS' | 'FAIL';
  reason: string;
  ms: number;
  /** Text a person reads: a table, a timeline. */
  report: string[];
  /** performance.now() when it started (set by runChecks): places a drill's events on a report's timeline. */
  startedAt?: number;
  /** Numbers for --json. */
  data?: unknown;
}
