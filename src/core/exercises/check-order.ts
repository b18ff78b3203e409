import type { TaskCheck } from '../task-schema.ts';

/**
 * In what order a task's checks run, and which of them a failure makes pointless. Pure.
 * A check that reads HAProxy's stats answers in milliseconds; a drill breaks replicas under
 * load for seconds. Once a cheap check has failed the task cannot pass, so its drills are not
 * run (a student waits for nothing): they are reported "not run: <check> failed first".
 */

/** Relative cost of a kind: 0 a stats read, 1 a few requests, 2 a burst, 3 and up a drill that breaks something or runs for seconds. */
export const CHECK_COST: Record<TaskCheck['kind'], number> = {
  servers: 0,
  'replicas-up': 0,
  http: 1,
  routing: 1,
  distribution: 2,
  affinity: 2,
  session: 3,
  failover: 4,
  'kill-replica': 4,
  throughput: 4,
  rollout: 5,
  chaos: 5,
};

/** From this cost on a check is a drill: graded after every task's cheap checks (exercises/grade-tasks.ts). */
const DRILL_COST = 3;

export const isDrill = (c: Pick<TaskCheck, 'kind'>): boolean => CHECK_COST[c.kind] >= DRILL_COST;

/** Cheapest first; checks of the same cost keep the lab file's order. */
export function byCost<C extends Pick<TaskCheck, 'kind'>>(checks: readonly C[]): C[] {
  return checks
    .map((c, i) => ({ c, i }))
    .sort((a, b) => CHECK_COST[a.c.kind] - CHECK_COST[b.c.kind] || a.i - b.i)
    .map((x) => x.c);
}

/** What a check not run says, naming the one whose failure made it pointless. */
export const notRunReason = (failedFirst: string): string => `not run: ${failedFirst} failed first`;
