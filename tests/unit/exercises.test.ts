import { describe, expect, it } from 'vitest';
import { readLab } from '../../src/config/labs.ts';
import { formatProblem } from '../../src/core/errors.ts';
import {
  emptyProgress,
  parseProgress,
  renderProgress,
  revealHint,
  withGrades,
} from '../../src/core/exercises/progress.ts';
import { markQuiz, parseAnswers, shownOptions, shownOrder } from '../../src/core/exercises/quiz.ts';
import { needCycles } from '../../src/core/exercises/task-problems.ts';
import {
  gradeStatus,
  gradingOrder,
  nextTask,
  score,
  taskViews,
  unmetNeeds,
} from '../../src/core/exercises/task-state.ts';
import { pick } from '../../src/core/localized.ts';
import type { QuizQuestion } from '../../src/core/task-schema.ts';
import { lab03Text as fullLab03 } from '../helpers/lab03.ts';
import { tmpDir, writeTree } from '../helpers/tmp.ts';

const t = (id: string, needs: string[] = []) => ({ id, needs });

describe('task state', () => {
  it.each([
    { unmet: [], verdicts: ['PASS', 'PASS'], want: 'pass' },
    { unmet: [], verdicts: ['PASS', 'FAIL'], want: 'fail' },
    { unmet: [], verdicts: [], want: 'fail' },
    { unmet: ['scale'], verdicts: ['PASS'], want: 'locked' },
    { unmet: ['scale'], verdicts: [], want: 'locked' },
  ] as const)('unmet $unmet, verdicts $verdicts → $want', ({ unmet, verdicts, want }) => {
    expect(gradeStatus(unmet, verdicts)).toBe(want);
  });

  it('grades needed tasks first, else in file order', () => {
    expect(gradingOrder([t('c', ['b']), t('a'), t('b', ['a'])]).map((x) => x.id)).toEqual(['a', 'b', 'c']);
    expect(gradingOrder([t('a'), t('b'), t('c')]).map((x) => x.id)).toEqual(['a', 'b', 'c']);
    // A cycle (lab validate reports it) must not hang grading.
    expect(
      gradingOrder([t('a', ['b']), t('b', ['a'])])
        .map((x) => x.id)
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('a need that did not pass locks the task', () => {
    const passed = (id: string) => id === 'a';
    expect(unmetNeeds(t('c', ['a', 'b']), passed)).toEqual(['b']);
    expect(unmetNeeds(t('c', ['a']), passed)).toEqual([]);
  });

  it.each([
    { statuses: ['pass', 'fail', 'locked', 'pass'], want: { passed: 2, total: 4, percent: 50 } },
    { statuses: ['pass', 'pass', 'pass'], want: { passed: 3, total: 3, percent: 100 } },
    { statuses: ['fail', 'locked', 'locked'], want: { passed: 0, total: 3, percent: 0 } },
  ] as const)('score of $statuses', ({ statuses, want }) => {
    expect(score(statuses)).toEqual(want);
  });

  it('views from saved grades: passed, open, locked, and the next task', () => {
    const saved: Record<string, 'pass' | 'fail'> = { a: 'pass', b: 'fail' };
    const views = taskViews([t('a'), t('b', ['a']), t('c', ['b']), t('d')], (id) => saved[id]);
    expect(views).toEqual([
      { id: 'a', view: 'passed' },
      { id: 'b', view: 'open' },
      { id: 'c', view: 'locked' },
      { id: 'd', view: 'open' },
    ]);
    expect(nextTask(views)).toBe('b');
    expect(nextTask(taskViews([t('a')], () => 'pass'))).toBeUndefined();
  });

  it.each([
    { tasks: [t('a', ['b']), t('b', ['a'])], want: [['a', 'b']] },
    { tasks: [t('a', ['c']), t('b', ['a']), t('c', ['b'])], want: [['a', 'c', 'b']] },
    { tasks: [t('a'), t('b', ['a'])], want: [] },
    { tasks: [t('a', ['a'])], want: [] },
  ])('needCycles $tasks', ({ tasks, want }) => {
    expect(needCycles(tasks)).toEqual(want);
  });
});

describe('progress file', () => {
  it('round-trips, and a damaged or foreign file is an empty progress', () => {
    const p = withGrades(
      emptyProgress('03-load-balancing'),
      [{ id: 'scale-out', status: 'pass', reason: 'ok' }],
      '2026-01-01T00:00:00Z',
    );
    expect(parseProgress(renderProgress(p), '03-load-balancing')).toEqual(p);
    expect(parseProgress(renderProgress(p), '02-haproxy-config')).toEqual(emptyProgress('02-haproxy-config'));
    expect(parseProgress('{ not json', 'x')).toEqual(emptyProgress('x'));
    expect(parseProgress(undefined, 'x')).toEqual(emptyProgress('x'));
  });
  it('reveals hints one at a time and remembers them; the last one stays', () => {
    let p = emptyProgress('x');
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = revealHint(p, 'a', 2)!;
      seen.push(r.index);
      p = r.progress;
    }
    expect(seen).toEqual([0, 1, 1, 1]);
    expect(p.hints).toEqual({ a: 2 });
    expect(revealHint(p, 'b', 0)).toBeUndefined();
  });
});

describe('quiz', () => {
  const quiz: QuizQuestion[] = [
    {
      id: 'q1',
      question: 'Q1',
      options: { a: 'A', b: 'B' },
      answer: 'b',
      explanation: { en: 'because', ja: 'なぜなら' },
    },
    { id: 'q2', question: 'Q2', options: { a: 'A', b: 'B', c: 'C' }, answer: 'a' },
  ];
  const seed = '/home/student/.local/state/lab/workspaces/lab-03';
  const letterFor = (q: QuizQuestion, id: string) => shownOptions(q, seed, 'en').find((o) => o.id === id)!.letter;
  it('marks answers given by the letter shown; an unanswered question is wrong', () => {
    const marks = markQuiz(quiz, parseAnswers(`q1=${letterFor(quiz[0]!, 'b')}`, quiz, '03', seed), 'ja', seed);
    expect(marks.map((m) => [m.id, m.correct])).toEqual([
      ['q1', true],
      ['q2', false],
    ]);
    expect(marks[0]?.explanation).toBe('なぜなら');
    expect(marks[1]).toMatchObject({ right: letterFor(quiz[1]!, 'a'), rightText: 'A' });
  });
  it('the wrong letter is wrong, and the mark shows both letters as the student saw them', () => {
    const wrong = letterFor(quiz[0]!, 'a');
    const [m] = markQuiz(quiz, parseAnswers(`q1=${wrong}`, quiz, '03', seed), 'en', seed);
    expect(m).toMatchObject({ correct: false, answer: wrong, right: letterFor(quiz[0]!, 'b'), rightText: 'B' });
  });
  it.each([
    { raw: 'q1=z', message: /"z" is not an option of q1; allowed: a, b$/ },
    { raw: 'q1=c', message: /"c" is not an option of q1; allowed: a, b$/ },
    { raw: 'q9=a', message: /no question "q9".*questions: q1, q2/ },
    { raw: 'q1', message: /"q1" is not question=option/ },
  ])('--answer $raw is a usage error', ({ raw, message }) => {
    expect(() => parseAnswers(raw, quiz, '03', seed)).toThrow(message);
  });

  const four: QuizQuestion = { id: 'l7', question: 'Q', options: { a: 'A', b: 'B', c: 'C', d: 'D' }, answer: 'a' };
  it('shows every option once, in the same order for the same workspace', () => {
    expect([...shownOrder(four, seed)].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(shownOrder(four, seed)).toEqual(shownOrder(four, seed));
  });
  it('puts the right answer in every place across workspaces, never mostly first ("always a" does not pass)', () => {
    const places = [0, 0, 0, 0];
    for (let i = 0; i < 400; i++) places[shownOrder(four, `/ws/${i}`).indexOf('a')]!++;
    for (const n of places) expect(n).toBeGreaterThan(60); // 100 each if fair
  });
});

/** Lab 03 without its own tasks and quiz, which the tests replace. */
const lab03Text = () => `${fullLab03().split('\ntasks:\n')[0]!.trimEnd()}\n`;

const TASKS = `tasks:
  - id: scale-out
    title: { en: Scale out, ja: スケールアウト }
    instructions: Run lab scale.
    checks:
      - kind: servers
        up: 5
  - id: scale-out
    title: Again
    instructions: x
    needs: [nothing-here]
    checks: [{ kind: replicas-up }]
  - id: first
    title: First
    instructions: x
    needs: [second]
    solution: solutions/missing.cfg
    checks: [{ kind: replicas-up }]
  - id: second
    title: Second
    instructions: x
    needs: [first]
    checks: [{ kind: replicas-up }]
quiz:
  - id: q1
    question: { en: Which?, ja: どれ？ }
    options: { a: One, b: Two }
    answer: c
`;

describe('lab validate: tasks and quiz', () => {
  it('reports duplicate ids, unknown needs, a cycle, a missing solution and a wrong answer at their lines', async () => {
    const dir = await tmpDir();
    await writeTree(dir, {
      '03-load-balancing/lab.yaml': `${lab03Text().replace(/\ncontext: \.\.\/\.\.\/compose\/whoami/, '')}\n${TASKS}`,
    });
    const { problems } = readLab(`${dir}/03-load-balancing/lab.yaml`, 'lab.yaml');
    const text = problems.map(formatProblem).filter((p) => !p.includes('Dockerfile'));
    const base = lab03Text().split('\n').length;
    const line = (n: number) => base + n;
    expect(text).toEqual([
      `lab.yaml:${line(8)}:5 tasks.1.id: "scale-out" is also the id of task 1; task ids must be unique`,
      `lab.yaml:${line(11)}:13 tasks.1.needs.0: names no task: "nothing-here" (tasks: scale-out, first, second)`,
      `lab.yaml:${line(16)}:5 tasks.2.needs: needs go round in a cycle: first → second → first; no task of it could ever be graded`,
      `lab.yaml:${line(17)}:5 tasks.2.solution: no such file: ${dir}/03-load-balancing/solutions/missing.cfg`,
      `lab.yaml:${line(28)}:5 quiz.0.answer: names no option: "c" (options: a, b)`,
    ]);
  });
  it('a title that is neither text nor { en, ja } says so', async () => {
    const dir = await tmpDir();
    await writeTree(dir, {
      '03-load-balancing/lab.yaml': `${lab03Text()}\n${TASKS.replace('title: { en: Scale out, ja: スケールアウト }', 'title: { ja: スケールアウト }')}`,
    });
    const { problems } = readLab(`${dir}/03-load-balancing/lab.yaml`, 'lab.yaml');
    expect(problems.map(formatProblem).join('\n')).toMatch(
      /tasks\.0\.title\.en: is required \(string\)|tasks\.0\.title: must be text/,
    );
  });
});

describe('lab 03 tasks and quiz', () => {
  it("every text a student reads is in English and Japanese, and the quiz is the course's", async () => {
    const { lab03 } = await import('../helpers/lab03.ts');
    const lab = lab03();
    expect(lab.tasks.map((x) => x.id)).toEqual(['scale-out', 'least-connections', 'sticky-sessions']);
    const texts = lab.tasks.flatMap((x) => [x.title, x.instructions, ...x.hints]);
    for (const text of texts)
      expect(text, JSON.stringify(text)).toMatchObject({ en: expect.any(String), ja: expect.any(String) });
    expect(lab.tasks.every((x) => x.hints.length >= 2 && x.solution !== undefined && x.mustFailOnStarter)).toBe(true);
    expect(lab.quiz.map((q) => pick(q.question, 'ja'))).toEqual([
      'スケールアウトのメリットとして正しいものは？',
      'L7ロードバランサーの特徴として正しいものは？',
      '高可用性を実現するための要素でないものは？',
    ]);
    expect(lab.quiz.map((q) => pick(q.options[q.answer]!, 'ja'))).toEqual([
      '耐障害性が向上する',
      'HTTPヘッダーに基づいたルーティングが可能',
      '単一障害点の導入',
    ]);
    expect(lab.checks.map((c) => c.name)).toEqual(['all-replicas-up', 'traffic-is-spread']);
  });
});
