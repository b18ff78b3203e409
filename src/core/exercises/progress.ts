import type { GradeStatus } from './task-state.ts';

/**
 * A student's progress in one lab's workspace (progress.json): the last grade of each task,
 * hints revealed, quiz answers. Pure: parse, update, render; engine/progress-file.ts does the I/O.
 */
export const PROGRESS_FILE = 'progress.json';
const FORMAT = 'lab-progress/1';

export interface QuizRecord {
  answers: Record<string, string>;
  correct: number;
  total: number;
  at: string;
}

export interface Progress {
  format: typeof FORMAT;
  lab: string;
  tasks: Record<string, { status: GradeStatus; reason: string; at: string }>;
  /** Hints revealed per task. */
  hints: Record<string, number>;
  quiz?: QuizRecord;
  /** Tasks `lab solve` applied the reference solution of, and when: their passes are marked solved. */
  solved?: Record<string, string>;
}

export const emptyProgress = (lab: string): Progress => ({ format: FORMAT, lab, tasks: {}, hints: {} });

const STATUSES = new Set(['pass', 'fail', 'locked']);

/** The saved progress of `lab`, or an empty one when the file is missing, damaged or another lab's. */
export function parseProgress(text: string | undefined, lab: string): Progress {
  if (!text) return emptyProgress(lab);
  try {
    const p = JSON.parse(text) as Partial<Progress>;
    if (p.format !== FORMAT || p.lab !== lab) return emptyProgress(lab);
    const tasks = Object.fromEntries(Object.entries(p.tasks ?? {}).filter(([, t]) => t && STATUSES.has(t.status)));
    const hints = Object.fromEntries(Object.entries(p.hints ?? {}).filter(([, n]) => Number.isInteger(n) && n >= 0));
    const solved = Object.fromEntries(Object.entries(p.solved ?? {}).filter(([, at]) => typeof at === 'string'));
    return {
      format: FORMAT,
      lab,
      tasks,
      hints,
      ...(p.quiz && typeof p.quiz.answers === 'object' ? { quiz: p.quiz } : {}),
      ...(Object.keys(solved).length ? { solved } : {}),
    };
  } catch {
    return emptyProgress(lab);
  }
}

export const renderProgress = (p: Progress): string => `${JSON.stringify(p, null, 2)}\n`;

export const withGrades = (
  p: Progress,
  grades: readonly { id: string; status: GradeStatus; reason: string }[],
  at: string,
): Progress => ({
  ...p,
  tasks: { ...p.tasks, ...Object.fromEntries(grades.map((g) => [g.id, { status: g.status, reason: g.reason, at }])) },
});

/**
 * Reveal the next hint of a task: its index (0-based) and the progress that remembers it. Once
 * every hint is shown, the last one is shown again.
 */
export function revealHint(
  p: Progress,
  task: string,
  hintCount: number,
): { index: number; progress: Progress } | undefined {
  if (hintCount === 0) return undefined;
  const shown = p.hints[task] ?? 0;
  const index = Math.min(shown, hintCount - 1);
  return { index, progress: { ...p, hints: { ...p.hints, [task]: Math.min(shown + 1, hintCount) } } };
}

export const withQuiz = (p: Progress, quiz: QuizRecord): Progress => ({ ...p, quiz });

/** Remember that `lab solve` applied these tasks' reference solutions. */
export const withSolved = (p: Progress, tasks: readonly string[], at: string): Progress => ({
  ...p,
  solved: { ...p.solved, ...Object.fromEntries(tasks.map((t) => [t, at])) },
});
