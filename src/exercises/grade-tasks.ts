import { runTaskChecks } from '../checks/task-checks.ts';
import type { CheckTarget } from '../checks/target.ts';
import type { CheckResult } from '../checks/types.ts';
import type { Context } from '../cli/context.ts';
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
 * Results come back in the lab file's order.
 */
export async function gradeTasks(ctx: Context, target: CheckTarget, tasks: readonly Task[]): Promise<GradedTask[]> {
  const graded = new Map<string, GradedTask>();
  const passed = (id: string) => graded.get(id)?.status === 'pass';
  for (const task of gradingOrder(tasks)) {
    const t0 = performance.now();
    const unmet = unmetNeeds(task, passed);
    const checks = unmet.length || ctx.signal.aborted ? [] : await runTaskChecks(ctx, target, task.id, task.checks);
    const status = gradeStatus(unmet, checks.map((c) => c.verdict));
    const failed = checks.filter((c) => c.verdict === 'FAIL');
    graded.set(task.id, { id: task.id, status, reason: statusReason(status, unmet, failed), checks, ms: performance.now() - t0 });
  }
  return tasks.map((t) => graded.get(t.id)!);
}
