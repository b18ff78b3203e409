import type { Context } from '../cli/context.ts';
import type { OptionsOf } from '../cli/options.ts';
import { nextTask, taskViews } from '../core/exercises/task-state.ts';
import { shortId } from '../core/lab-id.ts';
import { pick, pickLanguage } from '../core/localized.ts';
import { renderMarkdown } from '../core/markdown.ts';
import { renderTable } from '../core/report.ts';
import { studentWorkspace } from '../exercises/student-workspace.ts';
import { messages } from '../i18n/index.ts';
import type { tasksCommand } from './tasks.command.ts';

export type TasksOptions = OptionsOf<typeof tasksCommand> & { lab: string };

/** The tasks with their state from the last grade, the next task's instructions, and the quiz. */
export async function tasks(ctx: Context, opts: TasksOptions): Promise<void> {
  const lang = pickLanguage(opts.lang, ctx.env);
  const m = messages(lang).tasks;
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
  if (lab.tasks.length === 0) out.result(m.noTasks({ lab: short }));
  else {
    const mark = { passed: out.c.green(m.passed), open: out.c.yellow(m.open), locked: out.c.dim(m.locked) };
    out.result(
      renderTable(
        lab.tasks.map((t, i) => [String(i + 1), t.id, pick(t.title, lang), mark[views[i]!.view], t.needs.join(', ')]),
        [m.colNumber, m.colTask, m.colTitle, m.colState, m.colNeeds],
      ),
    );
  }
  if (task) {
    out.result(`\n${m.nextLine({ heading: out.c.bold(m.next({ title: pick(task.title, lang) })), task: task.id })}\n`);
    // --json above keeps the Markdown as written; the terminal gets it rendered.
    out.result(renderMarkdown(pick(task.instructions, lang), out.c));
    const last = progress.tasks[task.id];
    if (last?.status === 'fail') out.result(`\n${out.c.red(m.lastGrade)} ${last.reason}`);
    out.result(out.c.dim(`\n${m.whenDone({ lab: short, hasHints: task.hints.length > 0 })}`));
  } else if (lab.tasks.length) out.result(`\n${out.c.green(m.allPassed)}`);
  if (lab.quiz.length) {
    const q = progress.quiz;
    out.result(
      `\n${q ? m.quizResult({ correct: q.correct, total: q.total, lab: short }) : m.quizOpen({ questions: lab.quiz.length, lab: short })}`,
    );
  }
}
