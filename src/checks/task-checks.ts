import type { Context } from '../cli/context.ts';
import type { LabCheck } from '../core/lab-schema.ts';
import type { TaskCheck } from '../core/task-schema.ts';
import { affinityCheck } from './affinity.ts';
import { chaosCheck } from './chaos.ts';
import { httpCheck } from './http.ts';
import { killReplicaCheck } from './kill-replica.ts';
import { rolloutCheck } from './rollout.ts';
import { routingCheck } from './routing.ts';
import { runChecks } from './run-checks.ts';
import { serversCheck } from './servers.ts';
import { sessionCheck } from './session.ts';
import { throughputCheck } from './throughput.ts';
import type { CheckTarget } from './target.ts';
import { type CheckResult, notRun, resultOf } from './types.ts';
import { byCost, notRunReason } from '../core/exercises/check-order.ts';

export interface TaskCheckOptions {
  /** Run every check even after one failed (lab grade --all-checks): slower, shows every reason. */
  allChecks?: boolean | undefined;
  /** A check of this task that already failed (graded earlier, exercises/grade-tasks.ts): the given checks are not run. */
  failedFirst?: string | undefined;
}

/**
 * Run a task's checks against a running lab, cheapest first (core/exercises/check-order.ts);
 * once one fails the rest are not run (SKIP, "not run: <check> failed first") unless allChecks.
 * The kinds of `checks:` (replicas-up, distribution, failover) run exactly as `lab check` runs
 * them; http, routing, servers, affinity, throughput, kill-replica, session, chaos and rollout are task kinds.
 */
export async function runTaskChecks(
  ctx: Context,
  t: CheckTarget,
  task: string,
  checks: readonly TaskCheck[],
  o: TaskCheckOptions = {},
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let failedFirst = o.allChecks ? undefined : o.failedFirst;
  for (const check of byCost(checks)) {
    if (ctx.signal.aborted) break;
    const name = check.name ?? check.kind;
    if (failedFirst !== undefined) {
      ctx.out.info(ctx.out.c.dim(`${task}: ${name}: ${notRunReason(failedFirst)}`));
      results.push(notRun(name, check.kind, failedFirst));
      continue;
    }
    const result = await runOneTaskCheck(ctx, t, task, check, name);
    results.push(result);
    if (result.verdict === 'FAIL' && !o.allChecks) failedFirst = name;
  }
  return results;
}

async function runOneTaskCheck(
  ctx: Context,
  t: CheckTarget,
  task: string,
  check: TaskCheck,
  name: string,
): Promise<CheckResult> {
  if (check.kind === 'replicas-up' || check.kind === 'distribution' || check.kind === 'failover') {
    return (await runChecks(ctx, t, [{ ...check, name } as LabCheck], {}))[0]!;
  }
  const step = ctx.out.step(`${task}: ${name}`);
  const t0 = performance.now();
  let result: CheckResult;
  try {
    // chaos and rollout change the lab through lab's own engine code (faults, compose, the runtime API): they need the context.
    result =
      check.kind === 'chaos'
        ? await chaosCheck(ctx, t, check, ctx.out.c)
        : check.kind === 'rollout'
          ? await rolloutCheck(ctx, t, check)
          : await runTaskCheck(t, check, ctx.signal);
  } catch (e) {
    result = resultOf(name, check.kind, t0, { pass: false, reason: (e as Error).message });
  }
  if (result.verdict === 'PASS') step.succeed(`${task}: ${name}: PASS`);
  else step.fail(`${task}: ${name}: FAIL`);
  return result;
}

type TaskKind = Exclude<TaskCheck, { kind: 'replicas-up' | 'distribution' | 'failover' | 'chaos' | 'rollout' }>;

function runTaskCheck(t: CheckTarget, check: TaskKind, signal: AbortSignal): Promise<CheckResult> {
  switch (check.kind) {
    case 'http':
      return httpCheck(t, check, signal);
    case 'routing':
      return routingCheck(t, check, signal);
    case 'servers':
      return serversCheck(t, check, signal);
    case 'affinity':
      return affinityCheck(t, check, signal);
    case 'throughput':
      return throughputCheck(t, check, signal);
    case 'kill-replica':
      return killReplicaCheck(t, check, signal);
    case 'session':
      return sessionCheck(t, check, signal);
  }
}
