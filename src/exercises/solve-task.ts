import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Context, LabRunner } from '../cli/context.ts';
import type { LoadedLab } from '../config/labs.ts';
import { solutionArgv, targetArgv } from '../core/exercises/solution-plan.ts';
import { UsageError } from '../core/errors.ts';
import { shortId } from '../core/lab-id.ts';
import { hasConfiguration } from '../core/student-cfg.ts';
import type { Task } from '../core/task-schema.ts';
import { replaceStudentFile } from '../engine/student-files.ts';
import type { Workspace } from '../engine/workspace.ts';
import { Output } from '../ui/output.ts';

/** Where a solution is applied: the project, its workspace, and what lab test adds to `up`. */
export interface SolveTarget {
  project?: string | undefined;
  ws: Workspace;
  /** -w given to lab solve: passed on to the solution's commands that take it (lab up). */
  workspace?: string | undefined;
  /** lab test: Docker-assigned ports and its --image substitutions, so a solution's `lab up` keeps its stack. */
  upExtras?: readonly string[];
}

export interface Solved {
  task: string;
  kind: 'commands' | 'file';
  /** The lab commands run, as run (with the project added). */
  commands: string[];
  /** File solutions: the solution file that replaced the student's haproxy.cfg. */
  file?: string;
  /** File solutions: where the student's previous haproxy.cfg was saved (none when there was none). */
  saved?: string;
}

/**
 * Apply one task's reference solution. A list of lab commands runs in-process through `run`
 * (the same command functions as the CLI; their output goes to stderr as progress, so stdout
 * stays the caller's result). A file replaces the student's haproxy.cfg, after saving it beside
 * (engine/student-files.ts), and is then applied with `lab apply`.
 */
export async function solveTask(
  ctx: Context,
  run: LabRunner,
  loaded: LoadedLab,
  task: Task,
  target: SolveTarget,
): Promise<Solved> {
  const short = shortId(loaded.lab.id);
  if (!task.solution)
    throw new UsageError(`Task ${task.id} of lab ${loaded.lab.id} has no solution`, {
      hint: `Add solution: to the task in ${loaded.file}`,
    });
  const nested: Context = {
    ...ctx,
    out: new Output(ctx.out.stderr, ctx.out.stderr, ctx.out.c, false, ctx.out.verbose),
  };
  const runOne = async (argv: string[]): Promise<string> => {
    const shown = `lab ${argv.join(' ')}`;
    ctx.out.info(ctx.out.c.dim(`${task.id}: ${shown}`));
    await run(nested, argv);
    return shown;
  };
  if (Array.isArray(task.solution)) {
    const commands: string[] = [];
    for (const command of task.solution) commands.push(await runOne(targetArgv(solutionArgv(command), target)));
    return { task: task.id, kind: 'commands', commands };
  }
  const file = resolve(dirname(loaded.file), task.solution);
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(
      `The solution of task ${task.id} (${file}) cannot be read: ${e.code === 'ENOENT' ? 'no such file' : e.message}`,
      { hint: `Run lab validate ${loaded.file}` },
    );
  });
  // A solution of comments only (the skeleton's, before its author wrote it) would reach HAProxy
  // as an empty file: say which file is missing its solution, not that the student's file is empty.
  if (!hasConfiguration(text))
    throw new UsageError(
      `The solution of task ${task.id} (${file}) holds no HAProxy configuration, only comments: write the task's reference solution there`,
      { hint: `Then run lab test ${short}` },
    );
  const saved = await replaceStudentFile(target.ws, task.id, text);
  // --no-grade: lab test grades each task itself, and lab solve's user runs lab grade when ready.
  const command = await runOne(targetArgv(['apply', short, '--no-grade'], target));
  return { task: task.id, kind: 'file', commands: [command], file, ...(saved ? { saved } : {}) };
}
