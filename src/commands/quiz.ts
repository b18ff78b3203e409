import type { Context } from '../cli/context.ts';
import type { OptionsOf } from '../cli/options.ts';
import { CheckFailedError, ExitError, InterruptedError, UsageError } from '../core/errors.ts';
import { withQuiz } from '../core/exercises/progress.ts';
import { markQuiz, parseAnswers, shownOptions } from '../core/exercises/quiz.ts';
import { shortId } from '../core/lab-id.ts';
import { type Language, pick, pickLanguage } from '../core/localized.ts';
import { renderMarkdown } from '../core/markdown.ts';
import type { QuizQuestion } from '../core/task-schema.ts';
import { writeProgress } from '../engine/progress-file.ts';
import { studentWorkspace } from '../exercises/student-workspace.ts';
import { type Catalog, messages } from '../i18n/index.ts';
import { askChoice, canAsk } from '../ui/prompt.ts';
import type { quizCommand } from './quiz.command.ts';

export type QuizOptions = OptionsOf<typeof quizCommand> & { lab: string };

/** Ask (or take with --answer) the lab's quiz, mark it, save the result for lab tasks. */
export async function quiz(ctx: Context, opts: QuizOptions): Promise<void> {
  const lang = pickLanguage(opts.lang, ctx.env);
  const all = messages(lang);
  const m = all.quiz;
  const { loaded, ws, progress } = await studentWorkspace(ctx, opts);
  const { lab } = loaded;
  const short = shortId(lab.id);
  if (lab.quiz.length === 0)
    throw new UsageError(m.noQuiz({ lab: short }), { hint: all.common.run({ command: `lab tasks ${short}` }) });
  // Each workspace sees the options in its own order (core/exercises/quiz.ts).
  const seed = ws.dir;
  let answers: Record<string, string>;
  if (opts.answer !== undefined) answers = parseAnswers(opts.answer, lab.quiz, short, seed);
  else if (canAsk(process.stderr)) answers = await ask(ctx, lab.quiz, lang, seed, m);
  else {
    throw new UsageError(m.needsTerminal, {
      hint: m.answerHint({ command: `lab quiz ${short} --answer ${lab.quiz.map((q) => `${q.id}=a`).join(',')}` }),
    });
  }
  const marks = markQuiz(lab.quiz, answers, lang, seed);
  const correct = marks.filter((m) => m.correct).length;
  await writeProgress(ws, withQuiz(progress, { answers, correct, total: marks.length, at: new Date().toISOString() }));
  const { out } = ctx;
  const md = (text: string, indent = '') => renderMarkdown(text, out.c).replaceAll('\n', `\n${indent}`);
  out.data({ lab: lab.id, correct, total: marks.length, questions: marks });
  for (const mark of marks) {
    out.result(`${mark.correct ? out.c.green('✔') : out.c.red('✖')} ${mark.id}: ${md(mark.question, '  ')}`);
    if (!mark.correct)
      out.result(
        `  ${m.wrong({ given: mark.answer === undefined ? m.notAnswered : m.youAnswered({ answer: mark.answer }), right: mark.right, text: md(mark.rightText, '  ') })}`,
      );
    if (mark.explanation) out.result(out.c.dim(`  ${md(mark.explanation, '  ')}`));
  }
  out.result(
    `\n${correct === marks.length ? out.c.green(m.allCorrect({ total: marks.length })) : m.someCorrect({ correct, total: marks.length })}`,
  );
  if (correct < marks.length)
    throw new ExitError(new CheckFailedError(`${marks.length - correct} of ${marks.length} answer(s) wrong`));
}

async function ask(
  ctx: Context,
  questions: readonly QuizQuestion[],
  lang: Language,
  seed: string,
  m: Catalog['quiz'],
): Promise<Record<string, string>> {
  const answers: Record<string, string> = {};
  for (const q of questions) {
    ctx.out.info(`\n${ctx.out.c.bold(`${q.id}: ${renderMarkdown(pick(q.question, lang), ctx.out.c)}`)}`);
    const shown = shownOptions(q, seed, lang);
    for (const o of shown) ctx.out.info(`  ${o.letter}) ${renderMarkdown(o.text, ctx.out.c)}`);
    const letter = await askChoice(
      m.prompt,
      shown.map((o) => o.letter),
      ctx.signal,
    );
    if (letter === undefined) throw new InterruptedError(m.interrupted);
    answers[q.id] = shown.find((o) => o.letter === letter)!.id;
  }
  return answers;
}
