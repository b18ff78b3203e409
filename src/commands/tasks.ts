import type { Context } from '../cli/context.ts';
import type { OptionsOf } from '../cli/options.ts';
import { nextTask, taskViews } from '../core/exercises/task-state.ts';
import { shortId } from '../core/lab-id.ts';
import { pick, pickLanguage } from '../core/localized.ts';
import { renderMarkdown } from '../core/markdown.ts';
import { renderTable } from '../core/report.ts';
import { studentWorkspace } from '../exercises/student-workspace.ts';
import type { tasksCommand } from './tasks.command.ts';

export type TasksOptions = OptionsOf<typeof tasksCommand> & { lab: string };

/** The tasks with their state from the last grade, the next task's instructions, and the quiz. */
export async function tasks(ctx: Context, opts: TasksOptions): Promise<void> {
  const lang = pickLanguage(opts.lang, ctx.env);
  const { loaded, progress } = await studentWorkspace(ctx, opts);
  const { lab } = loaded;
  const short = shortId(lab.id);
  const views = taskViews(lab.tasks, (id) => progress.tasks[id]?.status);
  const next = nextTask(views);
  const task = lab.tasks.find((t) => t.id === next);
  const { out } = ctx;
  out.data({
    lab: lab.id,
    next: next ?? null,
    tasks: lab.tasks.map((t, i) => ({
      id: t.id,
      title: pick(t.title, lang),
      state: views[i]!.view,
      needs: t.needs,
      lastGrade: progress.tasks[t.id] ?? null,
      hints: { shown: progress.hints[t.id] ?? 0, total: t.hints.length },
    })),
    instructions: task ? pick(task.instructions, lang) : null,
    quiz: lab.quiz.length ? { questions: lab.quiz.length, result: progress.quiz ?? null } : null,
  });
  if (lab.tasks.length === 0) out.result(`Lab ${short} has no tasks.`);
  else {
    const mark = { passed: out.c.green('passed'), open: out.c.yellow('open'), locked: out.c.dim('locked') };
    out.result(renderTable(lab.tasks.map((t, i) => [String(i + 1), t.id, pick(t.title, lang), mark[views[i]!.view], t.needs.join(', ')]), ['#', 'TASK', 'TITLE', 'STATE', 'NEEDS']));
  }
  if (task) {
    out.result(`\n${out.c.bold(`Next: ${pick(task.title, lang)}`)} (${task.id})\n`);
    // --json above keeps the Markdown as written; the terminal gets it rendered.
    out.result(renderMarkdown(pick(task.instructions, lang), out.c));
    const last = progress.tasks[task.id];
    if (last?.status === 'fail') out.result(`\n${out.c.red('Last grade:')} ${last.reason}`);
    out.result(out.c.dim(`\nWhen done: lab grade ${short}${task.hints.length ? `   Stuck? lab hint ${short}` : ''}`));
  } else if (lab.tasks.length) out.result(`\n${out.c.green('Every task passed.')}`);
  if (lab.quiz.length) {
    const q = progress.quiz;
    out.result(q ? `\nQuiz: ${q.correct} of ${q.total} correct (lab quiz ${short} to try again)` : `\nQuiz: ${lab.quiz.length} question(s), not answered yet: lab quiz ${short}`);
  }
}
