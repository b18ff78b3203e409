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
import { askChoice, canAsk } from '../ui/prompt.ts';
import type { quizCommand } from './quiz.command.ts';

export type QuizOptions = OptionsOf<typeof quizCommand> & { lab: string };

/** Ask (or take with --answer) the lab's quiz, mark it, save the result for lab tasks. */
export async function quiz(ctx: Context, opts: QuizOptions): Promise<void> {
  const lang = pickLanguage(opts.lang, ctx.env);
  const { loaded, ws, progress } = await studentWorkspace(ctx, opts);
  const { lab } = loaded;
  const short = shortId(lab.id);
  if (lab.quiz.length === 0) throw new UsageError(`Lab ${short} has no quiz`, { hint: `Run lab tasks ${short}` });
  // Each workspace sees the options in its own order (core/exercises/quiz.ts).
  const seed = ws.dir;
  let answers: Record<string, string>;
  if (opts.answer !== undefined) answers = parseAnswers(opts.answer, lab.quiz, short, seed);
  else if (canAsk(process.stderr)) answers = await ask(ctx, lab.quiz, lang, seed);
  else {
    throw new UsageError('lab quiz needs a terminal to ask, or the answers in --answer', { hint: `Run lab quiz ${short} --answer ${lab.quiz.map((q) => `${q.id}=a`).join(',')} (with your answers)` });
  }
  const marks = markQuiz(lab.quiz, answers, lang, seed);
  const correct = marks.filter((m) => m.correct).length;
  await writeProgress(ws, withQuiz(progress, { answers, correct, total: marks.length, at: new Date().toISOString() }));
  const { out } = ctx;
  const md = (text: string, indent = '') => renderMarkdown(text, out.c).replaceAll('\n', `\n${indent}`);
  out.data({ lab: lab.id, correct, total: marks.length, questions: marks });
  for (const m of marks) {
    out.result(`${m.correct ? out.c.green('✔') : out.c.red('✖')} ${m.id}: ${md(m.question, '  ')}`);
    if (!m.correct) out.result(`  ${m.answer === undefined ? 'not answered' : `you answered ${m.answer}`}; the answer is ${m.right}: ${md(m.rightText, '  ')}`);
    if (m.explanation) out.result(out.c.dim(`  ${md(m.explanation, '  ')}`));
  }
  out.result(`\n${correct === marks.length ? out.c.green(`All ${marks.length} correct`) : `${correct} of ${marks.length} correct`}`);
  if (correct < marks.length) throw new ExitError(new CheckFailedError(`${marks.length - correct} of ${marks.length} answer(s) wrong`));
}

async function ask(ctx: Context, questions: readonly QuizQuestion[], lang: Language, seed: string): Promise<Record<string, string>> {
  const answers: Record<string, string> = {};
  for (const q of questions) {
    ctx.out.info(`\n${ctx.out.c.bold(`${q.id}: ${renderMarkdown(pick(q.question, lang), ctx.out.c)}`)}`);
    const shown = shownOptions(q, seed, lang);
    for (const o of shown) ctx.out.info(`  ${o.letter}) ${renderMarkdown(o.text, ctx.out.c)}`);
    const letter = await askChoice('Your answer', shown.map((o) => o.letter), ctx.signal);
    if (letter === undefined) throw new InterruptedError('Quiz interrupted; nothing was saved');
    answers[q.id] = shown.find((o) => o.letter === letter)!.id;
  }
  return answers;
}
