import { describe, expect, it } from 'vitest';
import { copiedSolutions, markOf, markScore, studentExtras } from '../../src/core/exercises/marks.ts';
import { emptyProgress, parseProgress, renderProgress, withSolved } from '../../src/core/exercises/progress.ts';

describe('marks', () => {
  it.each<[Parameters<typeof markOf>[0], string | undefined, string]>([
    ['pass', undefined, 'pass'],
    ['pass', '2026-12-07T10:00:00Z', 'solved'],
    ['fail', '2026-12-07T10:00:00Z', 'fail'],
    ['locked', '2026-12-07T10:00:00Z', 'locked'],
  ])('%s, solved at %s: %s', (status, at, mark) => {
    expect(markOf(status, at)).toBe(mark);
  });

  it("the score counts the student's own passes; solved ones apart", () => {
    expect(markScore(['pass', 'solved', 'fail', 'pass'])).toEqual({ passed: 2, solved: 1, total: 4, percent: 50 });
    expect(markScore([])).toEqual({ passed: 0, solved: 0, total: 0, percent: 100 });
  });
});

describe('a student file that is a reference solution', () => {
  const solution =
    '# Reference solution\nfrontend web\n    bind :8080\n    default_backend app\n\nbackend app\n    server-template app 1-10 app:8000 check\n';
  it.each<[string, string | undefined, string[]]>([
    ['the very file', solution, ['frontend']],
    [
      'other comments, blank lines and trailing spaces',
      'frontend web   \n    bind :8080 # mine\n\n\n    default_backend app\nbackend app\n    server-template app 1-10 app:8000 check\n',
      ['frontend'],
    ],
    ['one setting changed', solution.replace('1-10', '1-5'), []],
    ['their own names', solution.replaceAll('app', 'pool'), []],
    ['no file', undefined, []],
    ['comments only', '# nothing yet\n', []],
  ])('%s', (_, student, tasks) => {
    expect(
      copiedSolutions(student, [
        { task: 'frontend', text: solution },
        { task: 'other', text: 'listen x\n    bind :9000\n' },
      ]),
    ).toEqual(tasks);
  });
});

describe('progress remembers what lab solve applied', () => {
  it('survives a round trip through progress.json, and a damaged entry is dropped', () => {
    const p = withSolved(emptyProgress('02-haproxy-config'), ['frontend', 'health-checks'], '2026-12-07T10:00:00Z');
    expect(parseProgress(renderProgress(p), '02-haproxy-config').solved).toEqual({
      frontend: '2026-12-07T10:00:00Z',
      'health-checks': '2026-12-07T10:00:00Z',
    });
    const damaged = JSON.stringify({ ...p, solved: { frontend: 42, x: 'at' } });
    expect(parseProgress(damaged, '02-haproxy-config').solved).toEqual({ x: 'at' });
  });
  it('the extras an instructor sees: hints used, quiz score, copied solution', () => {
    const p = { ...emptyProgress('02'), hints: { a: 2, b: 0 }, quiz: { answers: {}, correct: 1, total: 2, at: 'x' } };
    expect(studentExtras(p, ['frontend'])).toEqual({
      hints: { a: 2 },
      quiz: { correct: 1, total: 2 },
      copiesSolution: ['frontend'],
    });
  });
});
