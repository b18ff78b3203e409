import type { Context, LabRunner } from '../cli/context.ts';
import type { OptionsOf } from '../cli/options.ts';
import { tasksToSolve } from '../core/exercises/solution-plan.ts';
import { UsageError } from '../core/errors.ts';
import { shortId } from '../core/lab-id.ts';
import { projectFor } from '../core/options.ts';
import { type Solved, solveTask } from '../exercises/solve-task.ts';
import { withSolved } from '../core/exercises/progress.ts';
import { readProgress, writeProgress } from '../engine/progress-file.ts';
import { studentWorkspace } from '../exercises/student-workspace.ts';
import type { solveCommand } from './solve.command.ts';

export type SolveOptions = OptionsOf<typeof solveCommand> & { lab: string; task?: string | undefined };

/**
 * Apply the reference solution of a task (default: the first not passing at the last grade;
 * --all: every task in needs order). Lab commands run in-process through `run`; a solution
 * file replaces the student's haproxy.cfg after saving it beside, then is applied.
 */
export async function solve(ctx: Context, opts: SolveOptions, run: LabRunner): Promise<void> {
  const { loaded, ws, progress } = await studentWorkspace(ctx, opts);
  const { lab } = loaded;
  const short = shortId(lab.id);
  if (lab.tasks.length === 0)
    throw new UsageError(`Lab ${short} has no tasks to solve`, { hint: `Run lab show ${short}` });
  const todo = tasksToSolve(lab.tasks, { task: opts.task, all: opts.all }, (id) => progress.tasks[id]?.status, short);
  const missing = todo.filter((t) => !t.solution);
  if (missing.length)
    throw new UsageError(`Task ${missing.map((t) => t.id).join(', ')} of lab ${short} has no solution`, {
      hint: `Add solution: to the task in ${loaded.file}`,
    });
  const project = projectFor(opts.project, () => lab.id);
  const solved: Solved[] = [];
  for (const task of todo) {
    if (ctx.signal.aborted) break;
    // Marked before it is applied: its pass is the reference's (core/exercises/marks.ts), also
    // when a later task's solution fails or Ctrl-C stops the loop.
    await writeProgress(ws, withSolved(await readProgress(ws, lab.id), [task.id], new Date().toISOString()));
    solved.push(await solveTask(ctx, run, loaded, task, { project: opts.project, workspace: opts.workspace, ws }));
  }
  ctx.out.data({ lab: lab.id, project, solved });
  if (solved.length === 0) {
    ctx.out.result(
      `Every task of ${lab.id} passed at the last lab grade: nothing to solve. Name a task (lab solve ${short} <task>) or use --all.`,
    );
    return;
  }
  for (const s of solved) {
    if (s.kind === 'commands') ctx.out.result(`${s.task}: ran ${s.commands.join('; ')}`);
    else
      ctx.out.result(
        `${s.task}: replaced ${ws.haproxyCfg} with ${s.file} and applied it${s.saved ? `; your file is saved as ${s.saved}` : ''}`,
      );
  }
  ctx.out.result(`\nRun lab grade ${short} to grade the tasks.`);
}
