import { UsageError } from '../errors.ts';
import { pick, type Language } from '../localized.ts';
import type { QuizQuestion } from '../task-schema.ts';

/** Quiz answers from the command line and their marks. Pure. */

/** `q1=b,q2=a` → { q1: 'b', q2: 'a' }, each question and option checked against the quiz. */
export function parseAnswers(raw: string, quiz: readonly QuizQuestion[], short: string): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [q, option, ...rest] = part.split('=').map((s) => s.trim());
    const question = quiz.find((x) => x.id === q);
    if (!q || option === undefined || rest.length) throw new UsageError(`--answer: "${part}" is not question=option`, { hint: `Write e.g. --answer ${quiz[0]?.id ?? 'q1'}=a,... (run lab quiz ${short} to see the questions)` });
    if (!question) throw new UsageError(`--answer: no question "${q}" in this lab; questions: ${quiz.map((x) => x.id).join(', ')}`, { hint: `Run lab quiz ${short} to see them` });
    checkOption(question, option, short);
    answers[q] = option;
  }
  return answers;
}

/** An option id the question has, else a UsageError naming the allowed ones. */
export function checkOption(question: QuizQuestion, option: string, short: string): void {
  if (!(option in question.options)) {
    throw new UsageError(`--answer: "${option}" is not an option of ${question.id}; allowed: ${Object.keys(question.options).join(', ')}`, { hint: `Run lab quiz ${short} to see the questions and options` });
  }
}

export interface QuizMark {
  id: string;
  question: string;
  answer?: string;
  correct: boolean;
  right: string;
  explanation?: string;
}

/** Each question's mark; an unanswered question is wrong. */
export function markQuiz(quiz: readonly QuizQuestion[], answers: Readonly<Record<string, string>>, lang: Language): QuizMark[] {
  return quiz.map((q) => ({
    id: q.id,
    question: pick(q.question, lang),
    ...(answers[q.id] !== undefined ? { answer: answers[q.id] } : {}),
    correct: answers[q.id] === q.answer,
    right: q.answer,
    ...(q.explanation ? { explanation: pick(q.explanation, lang) } : {}),
  }));
}
