import { UsageError } from '../errors.ts';
import type { Task } from '../task-schema.ts';
import { gradingOrder } from './task-state.ts';

/**
 * What `lab solve` and `lab test` do, decided without I/O: which tasks to solve and in what
 * order, and each lab command of a solution as the argv lab parses in-process. Pure.
 */

/** The tasks to solve: the named one; with `all`, every task in needs order; else the first (in needs order) not passing in the saved progress. */
export function tasksToSolve<T extends Pick<Task, 'id' | 'needs'>>(
  tasks: readonly T[],
  pick: { task?: string | undefined; all?: boolean | undefined },
  lastStatus: (id: string) => string | undefined,
  lab: string,
): T[] {
  const ordered = gradingOrder(tasks);
  if (pick.task !== undefined && pick.all)
    throw new UsageError('Name a task or give --all, not both', {
      hint: `Run lab solve ${lab} --all, or lab solve ${lab} <task>`,
    });
  if (pick.all) return ordered;
  if (pick.task !== undefined) {
    const task = tasks.find((t) => t.id === pick.task);
    if (!task)
      throw new UsageError(
        `Lab ${lab} has no task "${pick.task}"; its tasks are: ${tasks.map((t) => t.id).join(', ')}`,
        { hint: `Run lab tasks ${lab} to see them` },
      );
    return [task];
  }
  const next = ordered.find((t) => lastStatus(t.id) !== 'pass');
  return next ? [next] : [];
}

/**
 * A solution's lab command as argv for lab's own parser, without the leading `lab`. Words are
 * split on blanks; '…' and "…" keep blanks inside one word. No other shell syntax: a solution
 * is a lab command, never a shell line.
 */
export function solutionArgv(command: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of command.matchAll(re)) words.push(m[1] ?? m[2] ?? m[3] ?? '');
  if (words[0] !== 'lab' || words.length < 2)
    throw new UsageError(`Not a lab command: ${command}`, {
      hint: 'A solution lists lab commands, e.g. "lab scale 03 5"',
    });
  return words.slice(1);
}

const PROJECT_FLAGS = new Set(['-p', '--project']);
/** Commands whose options include -p/--project: a solution runs on the project lab solve/test works on. */
const TAKES_PROJECT = new Set([
  'up',
  'down',
  'scale',
  'check',
  'grade',
  'apply',
  'status',
  'logs',
  'render',
  'tasks',
  'hint',
  'quiz',
  'fault',
  'chaos',
  'load',
]);

/** Commands whose options include -w/--workspace; the others find the workspace from the running HAProxy's label. */
const TAKES_WORKSPACE = new Set(['up', 'render', 'tasks', 'hint', 'quiz']);

/**
 * Point a solution's command at the project being solved, and at the workspace lab solve was
 * given (-w), unless it names its own; `up` also gets `upExtras` (lab test: Docker-assigned
 * ports and its image substitutions) so a re-run of up keeps the stack lab test started.
 * Global options (--host, --verbose) need no passing: the command runs in the same context.
 */
export function targetArgv(
  argv: readonly string[],
  target: { project?: string | undefined; workspace?: string | undefined; upExtras?: readonly string[] },
): string[] {
  const out = [...argv];
  const [command] = argv;
  const hasFlag = (names: string[]) => argv.some((a) => names.some((n) => a === n || a.startsWith(`${n}=`)));
  if (
    target.project &&
    command &&
    TAKES_PROJECT.has(command) &&
    !argv.some((a) => PROJECT_FLAGS.has(a) || a.startsWith('--project='))
  )
    out.push('--project', target.project);
  if (target.workspace && command && TAKES_WORKSPACE.has(command) && !hasFlag(['-w', '--workspace']))
    out.push('--workspace', target.workspace);
  if (command === 'up' && target.upExtras) {
    for (let i = 0; i < target.upExtras.length; i++) {
      const flag = target.upExtras[i]!;
      const takesValue = i + 1 < target.upExtras.length && !target.upExtras[i + 1]!.startsWith('-');
      if (flag === '--image' || !hasFlag([flag])) out.push(flag, ...(takesValue ? [target.upExtras[i + 1]!] : []));
      if (takesValue) i++;
    }
  }
  return out;
}

/** Where lab solve saves the student's file before replacing it: `<file>.before-solve-<task>`, then -2, -3… (never over an earlier save). */
export function savedStudentName(file: string, task: string, exists: (name: string) => boolean): string {
  const base = `${file}.before-solve-${task}`;
  if (!exists(base)) return base;
  for (let n = 2; ; n++) if (!exists(`${base}-${n}`)) return `${base}-${n}`;
}
