import { UsageError } from '../errors.ts';
import { pick, type Language } from '../localized.ts';
import type { QuizQuestion } from '../task-schema.ts';
import { seededRandom, seedOf } from '../seeded-random.ts';

/**
 * Quiz answers and their marks. Pure.
 *
 * The options are shown in an order drawn per workspace and question, under the letters a, b,
 * c ... of their place: in the lab files 21 of 23 answers were the first option, so "always a"
 * scored nearly full marks. The answer key stays by option id in the lab file; a student
 * answers, and is told the right answer, by the letter they were shown. The same workspace
 * always sees the same order (seeded), so a retry or --answer agrees with what was shown.
 */

/** The question's option ids in the order this workspace sees them (Fisher-Yates, seeded). */
export function shownOrder(q: QuizQuestion, seed: string): string[] {
  const ids = Object.keys(q.options);
  const next = seededRandom(seedOf(`${seed}\0${q.id}`));
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** The options as shown: letter, option id, text. */
export const shownOptions = (q: QuizQuestion, seed: string, lang: Language) =>
  shownOrder(q, seed).map((id, i) => ({ letter: LETTERS[i]!, id, text: pick(q.options[id]!, lang) }));

const letterOf = (q: QuizQuestion, seed: string, id: string): string => LETTERS[shownOrder(q, seed).indexOf(id)]!;

/** The option id behind a shown letter, else a UsageError naming the allowed letters. */
function optionOfLetter(question: QuizQuestion, letter: string, seed: string, short: string): string {
  const order = shownOrder(question, seed);
  const id = order[LETTERS.indexOf(letter)];
  if (letter.length !== 1 || id === undefined) {
    throw new UsageError(
      `--answer: "${letter}" is not an option of ${question.id}; allowed: ${order.map((_, i) => LETTERS[i]).join(', ')}`,
      { hint: `Run lab quiz ${short} to see the questions and options` },
    );
  }
  return id;
}

/** `q1=b,q2=a` (the letters shown) → { q1: <option id>, ... }, each question and letter checked. */
export function parseAnswers(
  raw: string,
  quiz: readonly QuizQuestion[],
  short: string,
  seed: string,
): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const part of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [q, letter, ...rest] = part.split('=').map((s) => s.trim());
    const question = quiz.find((x) => x.id === q);
    if (!q || letter === undefined || rest.length)
      throw new UsageError(`--answer: "${part}" is not question=option`, {
        hint: `Write e.g. --answer ${quiz[0]?.id ?? 'q1'}=a,... (run lab quiz ${short} to see the questions)`,
      });
    if (!question)
      throw new UsageError(`--answer: no question "${q}" in this lab; questions: ${quiz.map((x) => x.id).join(', ')}`, {
        hint: `Run lab quiz ${short} to see them`,
      });
    answers[q] = optionOfLetter(question, letter, seed, short);
  }
  return answers;
}

export interface QuizMark {
  id: string;
  question: string;
  /** The letter the student gave, as shown to them. */
  answer?: string;
  correct: boolean;
  /** The right letter, as shown to them. */
  right: string;
  /** The right option's text. */
  rightText: string;
  explanation?: string;
}

/** Each question's mark; an unanswered question is wrong. `answers` are option ids. */
export function markQuiz(
  quiz: readonly QuizQuestion[],
  answers: Readonly<Record<string, string>>,
  lang: Language,
  seed: string,
): QuizMark[] {
  return quiz.map((q) => {
    const given = answers[q.id];
    return {
      id: q.id,
      question: pick(q.question, lang),
      ...(given !== undefined ? { answer: letterOf(q, seed, given) } : {}),
      correct: given === q.answer,
      right: letterOf(q, seed, q.answer),
      rightText: pick(q.options[q.answer]!, lang),
      ...(q.explanation ? { explanation: pick(q.explanation, lang) } : {}),
    };
  });
}
