import { EXIT, mostSevere, type ExitCode } from '../errors.ts';
import type { Mark } from '../exercises/marks.ts';
import { plainPalette, type Palette } from '../palette.ts';
import { renderTable } from '../report.ts';
import type { HostResult } from './fleet-report.ts';

/**
 * A class grade (`lab grade <lab> --hosts room.txt`): every machine of a room graded on the same
 * lab, as one table of machines × tasks, one JSON object, or CSV. Pure: it reads what each
 * machine's own `lab grade --json` printed (or the error it ended with).
 */

/** One task of one machine, as `lab grade --json` reports it. */
interface MachineTask {
  id: string;
  /** solved: it passes after lab solve applied the reference solution (core/exercises/marks.ts). */
  status: Mark;
  reason: string;
}

/** What a machine's grade says of the student besides the tasks (absent from an older lab's output). */
interface MachineStudent {
  hints: Record<string, number>;
  quiz: { correct: number; total: number } | null;
  /** Tasks whose reference solution file the student's haproxy.cfg is. */
  copiesSolution: string[];
}

/** One machine: graded (its tasks and score), or not (why: unreachable, lab not running…). */
export type MachineGrade = {
  name: string;
  host: string;
  exitCode: ExitCode;
} & (
  | ({
      score: number;
      passed: number;
      solved: number;
      total: number;
      tasks: MachineTask[];
      error?: undefined;
    } & MachineStudent)
  | { error: { kind: string; message: string; hint?: string }; tasks?: undefined }
);

interface GradeOutput extends Partial<MachineStudent> {
  score: number;
  passed: number;
  solved?: number;
  total: number;
  tasks: MachineTask[];
}

const isGradeOutput = (v: unknown): v is GradeOutput =>
  typeof v === 'object' &&
  v !== null &&
  Array.isArray((v as GradeOutput).tasks) &&
  typeof (v as GradeOutput).score === 'number';

function parseGrade(stdout: string): GradeOutput | undefined {
  try {
    const v: unknown = JSON.parse(stdout);
    return isGradeOutput(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A machine's grade from its run: the tasks when `lab grade --json` printed them (exit 0 or 1),
 * else the error the run ended with. Task ids the lab file does not list are dropped and missing
 * ones become fail, so every row has the same columns.
 */
export function machineGrade(
  r: Pick<HostResult, 'entry' | 'exitCode' | 'stdout' | 'error'>,
  taskIds: readonly string[],
): MachineGrade {
  const base = { name: r.entry.name, host: r.entry.host, exitCode: r.exitCode };
  const out = parseGrade(r.stdout);
  if (out && (r.exitCode === EXIT.ok || r.exitCode === EXIT.checkFailed)) {
    const byId = new Map(out.tasks.map((t) => [t.id, t]));
    const tasks = taskIds.map((id) => {
      const t = byId.get(id);
      return t
        ? { id, status: t.status, reason: t.reason }
        : { id, status: 'fail' as const, reason: 'not graded on this machine (its lab file has no such task)' };
    });
    const student: MachineStudent = {
      hints: out.hints ?? {},
      quiz: out.quiz ?? null,
      copiesSolution: out.copiesSolution ?? [],
    };
    return {
      ...base,
      score: out.score,
      passed: out.passed,
      solved: out.solved ?? 0,
      total: out.total,
      tasks,
      ...student,
    };
  }
  const e: { kind: string; message: string; hint?: string } = r.error ?? {
    kind: 'Error',
    message: `lab grade printed no grade (exit ${r.exitCode})`,
  };
  return { ...base, error: { kind: e.kind, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } };
}

/** How many machines passed each task, and how many passed them all. */
export function classSummary(machines: readonly MachineGrade[], taskIds: readonly string[]) {
  const graded = machines.filter((m) => !m.error);
  const passes = (m: MachineGrade, id: string) => m.tasks?.some((t) => t.id === id && t.status === 'pass') ?? false;
  return {
    machines: machines.length,
    graded: graded.length,
    notGraded: machines.length - graded.length,
    allPassed: graded.filter((m) => taskIds.every((id) => passes(m, id))).length,
    tasks: taskIds.map((id) => ({ id, passed: machines.filter((m) => passes(m, id)).length })),
  };
}

/** Exit code of a class grade: 0 only when every machine passed every task, else the most severe of the machines'. */
export function classExitCode(machines: readonly MachineGrade[]): ExitCode {
  return mostSevere(machines.map((m) => m.exitCode));
}

/** The line under the table. */
export function classHeadline(machines: readonly MachineGrade[], taskIds: readonly string[]): string {
  const s = classSummary(machines, taskIds);
  const parts = [`${s.allPassed} of ${s.machines} machine(s) passed every task`];
  if (s.notGraded)
    parts.push(
      `${s.notGraded} could not be graded: ${machines
        .filter((m) => m.error)
        .map((m) => m.name)
        .join(', ')}`,
    );
  return parts.join('; ');
}

/** The --json object: `{ lab, machines, summary }` plus the outcome and exit code. */
export function classJson(
  lab: string,
  machines: readonly MachineGrade[],
  taskIds: readonly string[],
): Record<string, unknown> {
  const exitCode = classExitCode(machines);
  return {
    outcome: exitCode === EXIT.ok ? 'success' : 'failure',
    exitCode,
    lab,
    machines,
    summary: { ...classSummary(machines, taskIds), text: classHeadline(machines, taskIds) },
  };
}

const MARK: Record<Mark, (c: Palette) => string> = {
  pass: (c) => c.green('PASS'),
  solved: (c) => c.yellow('SOLVED'),
  fail: (c) => c.red('FAIL'),
  locked: (c) => c.dim('LOCKED'),
};

/**
 * The table: one row per machine (a cell per task, its score, and why it was not graded), then
 * a row counting the machines that passed each task.
 */
export function renderClassTable(
  machines: readonly MachineGrade[],
  taskIds: readonly string[],
  c: Palette = plainPalette,
): string {
  const rows = machines.map((m) =>
    m.error
      ? [m.name, ...taskIds.map(() => c.dim('-')), c.red('error'), '', '', m.error.message]
      : [
          m.name,
          ...m.tasks.map((t) => MARK[t.status](c)),
          `${m.passed}/${m.total} (${m.score}%)`,
          hintsText(m),
          quizText(m),
          studentNote(m),
        ],
  );
  const s = classSummary(machines, taskIds);
  const total = [
    c.bold('passed'),
    ...s.tasks.map((t) => `${t.passed}/${s.machines}`),
    `${s.allPassed}/${s.machines}`,
    '',
    '',
    '',
  ];
  return renderTable([...rows, total], ['MACHINE', ...taskIds, 'SCORE', 'HINTS', 'QUIZ', 'NOTE']);
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes
 * doubled. A field a spreadsheet would run as a formula (=, +, -, @ first) gets a leading '
 * (OWASP, "CSV Injection"): hosts files and error messages are not lab's to trust.
 */
export function csvField(value: string | number): string {
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The CSV: a header, then one row per machine; CRLF line ends as RFC 4180 says. */
export function renderClassCsv(machines: readonly MachineGrade[], taskIds: readonly string[]): string {
  const header = [
    'machine',
    'host',
    'score',
    'passed',
    'solved',
    'total',
    ...taskIds,
    ...taskIds.map((id) => `hints:${id}`),
    'quiz',
    'copies_solution',
    'error',
  ];
  const rows = machines.map((m) =>
    m.error
      ? [m.name, m.host, '', '', '', '', ...taskIds.map(() => ''), ...taskIds.map(() => ''), '', '', m.error.message]
      : [
          m.name,
          m.host,
          m.score,
          m.passed,
          m.solved,
          m.total,
          ...m.tasks.map((t) => t.status),
          ...taskIds.map((id) => m.hints[id] ?? 0),
          quizText(m),
          m.copiesSolution.join(' '),
          '',
        ],
  );
  return `${[header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}

type Graded = Extract<MachineGrade, { error?: undefined }>;

/** Hints revealed, all tasks together ("3", or "" for none). */
export const hintsText = (m: Graded): string => {
  const n = Object.values(m.hints).reduce((a, b) => a + b, 0);
  return n ? String(n) : '';
};

export const quizText = (m: Graded): string => (m.quiz ? `${m.quiz.correct}/${m.quiz.total}` : '');

/** What the instructor should look at: a pass that is the reference's, a file that is one. */
export function studentNote(m: Graded): string {
  const solved = m.tasks.filter((t) => t.status === 'solved').map((t) => t.id);
  return [
    ...(solved.length ? [`solved with lab solve: ${solved.join(', ')}`] : []),
    ...(m.copiesSolution.length ? [`haproxy.cfg is the reference solution of ${m.copiesSolution.join(', ')}`] : []),
  ].join('; ');
}
