import type { Context } from '../cli/context.ts';
import type { OptionsOf } from '../cli/options.ts';
import { UsageError } from '../core/errors.ts';
import { revealHint } from '../core/exercises/progress.ts';
import { nextTask, taskViews } from '../core/exercises/task-state.ts';
import { shortId } from '../core/lab-id.ts';
import { pick, pickLanguage } from '../core/localized.ts';
import { renderMarkdown } from '../core/markdown.ts';
import { writeProgress } from '../engine/progress-file.ts';
import { studentWorkspace } from '../exercises/student-workspace.ts';
import { messages } from '../i18n/index.ts';
import type { hintCommand } from './hint.command.ts';

export type HintOptions = OptionsOf<typeof hintCommand> & { lab: string; task?: string | undefined };

/** The next hint of the current (first open) or named task; revealed hints are remembered. */
export async function hint(ctx: Context, opts: HintOptions): Promise<void> {
  const lang = pickLanguage(opts.lang, ctx.env);
  const all = messages(lang);
  const m = all.hint;
  const { loaded, ws, progress } = await studentWorkspace(ctx, opts);
  const { lab } = loaded;
  const short = shortId(lab.id);
  if (lab.tasks.length === 0)
    throw new UsageError(m.noTasks({ lab: short }), { hint: all.common.run({ command: `lab show ${short}` }) });
  const id = opts.task ?? nextTask(taskViews(lab.tasks, (t) => progress.tasks[t]?.status));
  if (id === undefined) {
    ctx.out.data({ lab: lab.id, task: null, hint: null });
    return ctx.out.result(m.allPassed({ lab: short }));
  }
  const task = lab.tasks.find((t) => t.id === id);
  if (!task)
    throw new UsageError(m.unknownTask({ lab: short, task: id, tasks: lab.tasks.map((t) => t.id).join(', ') }), {
      hint: all.common.run({ command: `lab tasks ${short}` }),
    });
  const revealed = revealHint(progress, task.id, task.hints.length);
  if (!revealed) {
    ctx.out.data({ lab: lab.id, task: task.id, hint: null, total: 0 });
    return ctx.out.result(m.noHints({ task: task.id, lab: short }));
  }
  await writeProgress(ws, revealed.progress);
  const text = pick(task.hints[revealed.index]!, lang);
  const total = task.hints.length;
  ctx.out.data({ lab: lab.id, task: task.id, hint: revealed.index + 1, total, text });
  ctx.out.result(
    m.line({
      heading: ctx.out.c.bold(m.heading({ n: revealed.index + 1, total })),
      task: task.id,
      text: renderMarkdown(text, ctx.out.c),
    }),
  );
  if (revealed.index + 1 < total)
    ctx.out.result(ctx.out.c.dim(m.another({ command: `lab hint ${short}${opts.task ? ` ${task.id}` : ''}` })));
}
