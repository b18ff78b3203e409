import type { Progress } from './progress.ts';
import type { GradeStatus } from './task-state.ts';

/**
 * What a grade says of the student, beyond pass and fail: the marks an instructor can trust.
 * Pure.
 * - solved: the task passes, but after `lab solve` applied its reference solution (progress
 *   remembers which tasks it solved), so the pass is the reference's, not the student's;
 * - a student file identical to a reference solution (copied from labs/, or left by lab solve);
 * - the hints revealed per task and the last quiz score.
 */
export type Mark = GradeStatus | 'solved';

export const markOf = (status: GradeStatus, solvedAt: string | undefined): Mark =>
  status === 'pass' && solvedAt !== undefined ? 'solved' : status;

/** Score from marks: only the student's own passes count; solved ones are counted apart. */
export function markScore(marks: readonly Mark[]): { passed: number; solved: number; total: number; percent: number } {
  const passed = marks.filter((m) => m === 'pass').length;
  const solved = marks.filter((m) => m === 'solved').length;
  return {
    passed,
    solved,
    total: marks.length,
    percent: marks.length ? Math.round((100 * passed) / marks.length) : 100,
  };
}

/** A configuration's meaningful text: comments, trailing spaces and blank lines do not make a file one's own. */
const meaningful = (cfg: string): string =>
  cfg
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, '').trimEnd())
    .filter((l) => l.trim() !== '')
    .join('\n');

/** The tasks whose reference solution file the student's file is (up to comments and blank lines). */
export function copiedSolutions(
  student: string | undefined,
  solutions: readonly { task: string; text: string }[],
): string[] {
  if (student === undefined) return [];
  const mine = meaningful(student);
  return mine === '' ? [] : solutions.filter((s) => meaningful(s.text) === mine).map((s) => s.task);
}

export interface StudentExtras {
  /** Hints revealed per task (tasks with none are left out). */
  hints: Record<string, number>;
  quiz: { correct: number; total: number } | null;
  copiesSolution: string[];
}

export const studentExtras = (p: Progress, copiesSolution: string[]): StudentExtras => ({
  hints: Object.fromEntries(Object.entries(p.hints).filter(([, n]) => n > 0)),
  quiz: p.quiz ? { correct: p.quiz.correct, total: p.quiz.total } : null,
  copiesSolution,
});
