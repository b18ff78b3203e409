import type { Task } from '../task-schema.ts';
import type { GradeStatus } from './task-state.ts';

/**
 * lab test on an exercise lab proves two halves per task. Starter: with the starter, the task's
 * checks FAIL (so they can fail). Solution: after the solutions, in needs order, the task
 * PASSES (so its solution works). Pure: the verdicts from what was graded.
 */
type Half = 'starter' | 'solution' | 'variant';
export interface HalfCase {
  task: string;
  half: Half;
  /** A variant's file, from the lab's folder (half: variant). */
  file?: string;
  verdict: 'PASS' | 'FAIL' | 'SKIP';
  reason: string;
}

/** The starter half of one task, from its checks run on the starter (needs ignored: each check must be able to fail on its own). */
export function starterCase(
  task: Pick<Task, 'id' | 'mustFailOnStarter'>,
  graded: { passed: boolean; reason: string } | undefined,
): HalfCase {
  const c = (verdict: HalfCase['verdict'], reason: string): HalfCase => ({
    task: task.id,
    half: 'starter',
    verdict,
    reason,
  });
  if (task.mustFailOnStarter === false) return c('SKIP', `task ${task.id} has mustFailOnStarter: false`);
  if (!graded) return c('FAIL', `task ${task.id} was not graded on the starter`);
  if (graded.passed) return c('FAIL', `task ${task.id} passed on the starter: its check cannot fail`);
  return c('PASS', `task ${task.id} fails on the starter, as it must: ${graded.reason}`);
}

/** What happened to a task in the solution half: its solution's outcome and its grade right after, then its grade after every solution. */
export interface SolvedTask {
  solution: 'none' | 'failed' | 'ran';
  /** Why the solution failed (solution: failed). */
  error?: string;
  after?: { status: GradeStatus; reason: string };
  final?: { status: GradeStatus; reason: string };
}

/** The solution half of one task. */
export function solutionCase(id: string, s: SolvedTask): HalfCase {
  const c = (verdict: HalfCase['verdict'], reason: string): HalfCase => ({
    task: id,
    half: 'solution',
    verdict,
    reason,
  });
  if (s.solution === 'none') return c('FAIL', `task ${id} has no solution: lab test cannot prove it can pass`);
  if (s.solution === 'failed') return c('FAIL', `task ${id}: its solution failed: ${s.error ?? 'unknown error'}`);
  if (!s.after) return c('FAIL', `task ${id} was not graded after its solution`);
  if (s.after.status !== 'pass') return c('FAIL', `task ${id} still fails after its solution: ${s.after.reason}`);
  if (s.final && s.final.status !== 'pass')
    return c(
      'FAIL',
      `task ${id} passed after its solution, but not after the later tasks' solutions: ${s.final.reason}`,
    );
  return c('PASS', `task ${id} passes after its solution`);
}

/** Every case holds (skips count as holding). */
export const halvesHold = (cases: readonly HalfCase[]): boolean => cases.every((c) => c.verdict !== 'FAIL');
