import type { Task } from '../task-schema.ts';

/**
 * A task's state from its checks and its needs. Pure.
 * grade: pass | fail | locked (a need did not pass, so the task was not graded).
 * tasks: what a student sees from saved progress: passed, open (may be worked on), locked.
 */
export type GradeStatus = 'pass' | 'fail' | 'locked';
export type TaskView = 'passed' | 'open' | 'locked';

/** Tasks in an order where each comes after the tasks it needs (file order otherwise); a cycle keeps file order. */
export function gradingOrder<T extends Pick<Task, 'id' | 'needs'>>(tasks: readonly T[]): T[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const out: T[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const place = (t: T) => {
    if (placed.has(t.id) || visiting.has(t.id)) return;
    visiting.add(t.id);
    for (const n of t.needs) {
      const need = byId.get(n);
      if (need) place(need);
    }
    visiting.delete(t.id);
    placed.add(t.id);
    out.push(t);
  };
  for (const t of tasks) place(t);
  return out;
}

/** The needs of a task that have not passed, in its order. */
export const unmetNeeds = (task: Pick<Task, 'needs'>, passed: (id: string) => boolean): string[] =>
  task.needs.filter((n) => !passed(n));

/** A graded task: locked when a need did not pass, else pass only when every check passed. */
export function gradeStatus(unmet: readonly string[], verdicts: readonly ('PASS' | 'FAIL' | 'SKIP')[]): GradeStatus {
  if (unmet.length) return 'locked';
  return verdicts.length > 0 && verdicts.every((v) => v === 'PASS') ? 'pass' : 'fail';
}

/** Why a task has its status, in words. */
export function statusReason(
  status: GradeStatus,
  unmet: readonly string[],
  failed: readonly { name: string; reason: string }[],
): string {
  if (status === 'locked') return `needs ${unmet.join(', ')} to pass first`;
  if (status === 'pass') return 'every check passed';
  return failed.map((f) => `${f.name}: ${f.reason}`).join('; ');
}

/** Score: passed tasks out of all, and as a whole percentage (100 for a lab without tasks). */
export function score(statuses: readonly GradeStatus[]): { passed: number; total: number; percent: number } {
  const passed = statuses.filter((s) => s === 'pass').length;
  return {
    passed,
    total: statuses.length,
    percent: statuses.length ? Math.round((100 * passed) / statuses.length) : 100,
  };
}

/** What `lab tasks` shows from saved results: passed when the last grade passed, locked when a need has not passed. */
export function taskViews(
  tasks: readonly Pick<Task, 'id' | 'needs'>[],
  lastStatus: (id: string) => GradeStatus | undefined,
): { id: string; view: TaskView }[] {
  const passed = (id: string) => lastStatus(id) === 'pass';
  return tasks.map((t) => ({
    id: t.id,
    view: passed(t.id) ? 'passed' : unmetNeeds(t, passed).length ? 'locked' : 'open',
  }));
}

/** The task to work on next: the first open one in file order. */
export const nextTask = (views: readonly { id: string; view: TaskView }[]): string | undefined =>
  views.find((v) => v.view === 'open')?.id;
