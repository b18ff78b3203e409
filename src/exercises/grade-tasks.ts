import { runTaskChecks, type TaskCheckOptions } from '../checks/task-checks.ts';
import type { CheckTarget } from '../checks/target.ts';
import type { CheckResult } from '../checks/types.ts';
import type { Context } from '../cli/context.ts';
import { isDrill } from '../core/exercises/check-order.ts';
import { type GradeStatus, gradeStatus, gradingOrder, statusReason, unmetNeeds } from '../core/exercises/task-state.ts';
import type { Task } from '../core/task-schema.ts';

export interface GradedTask {
  id: string;
  status: GradeStatus;
  reason: string;
  checks: CheckResult[];
  ms: number;
}

/**
 * Grade every task of a running lab, each after the tasks it needs. A task whose needs did not
 * pass is locked: its checks do not run (they would judge a stack the student has not built yet).
 * Every task's cheap checks run first, so a task a stats read or a few requests can fail gets
 * its verdict within a second of `lab apply`, before any drill of any task; then the drills,
 * only of tasks whose cheap checks passed and whose needs passed. Results come back in the lab
 * file's order.
 */
export async function gradeTasks(
  ctx: Context,
  target: CheckTarget,
  tasks: readonly Task[],
  o: Pick<TaskCheckOptions, 'allChecks'> = {},
): Promise<GradedTask[]> {
  const order = gradingOrder(tasks);
  const early = new Map<string, { checks: CheckResult[]; ms: number }>();
  // Tasks that cannot pass after the cheap round: failed, or needing one that cannot.
  const hopeless = new Set<string>();
  for (const task of order) {
    if (ctx.signal.aborted) break;
    if (task.needs.some((n) => hopeless.has(n))) {
      hopeless.add(task.id);
      continue;
    }
    const t0 = performance.now();
    const checks = await runTaskChecks(
      ctx,
      target,
      task.id,
      task.checks.filter((c) => !isDrill(c)),
      o,
    );
    early.set(task.id, { checks, ms: performance.now() - t0 });
    if (checks.some((c) => c.verdict !== 'PASS')) hopeless.add(task.id);
  }
  const graded = new Map<string, GradedTask>();
  const passed = (id: string) => graded.get(id)?.status === 'pass';
  for (const task of order) {
    const t0 = performance.now();
    const unmet = unmetNeeds(task, passed);
    let checks: CheckResult[] = [];
    if (!unmet.length && !ctx.signal.aborted) {
      const cheap = early.get(task.id)?.checks ?? [];
      const failedFirst = cheap.find((c) => c.verdict === 'FAIL')?.name;
      checks = [
        ...cheap,
        ...(await runTaskChecks(ctx, target, task.id, task.checks.filter(isDrill), { ...o, failedFirst })),
      ];
    }
    const status = gradeStatus(
      unmet,
      checks.map((c) => c.verdict),
    );
    const failed = checks.filter((c) => c.verdict === 'FAIL');
    graded.set(task.id, {
      id: task.id,
      status,
      reason: statusReason(status, unmet, failed),
      checks,
      ms: performance.now() - t0 + (early.get(task.id)?.ms ?? 0),
    });
  }
  return tasks.map((t) => graded.get(t.id)!);
}
