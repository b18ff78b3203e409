import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hint } from '../../src/commands/hint.ts';
import { quiz } from '../../src/commands/quiz.ts';
import { tasks } from '../../src/commands/tasks.ts';
import { ExitError } from '../../src/core/errors.ts';
import { englishFragments } from '../helpers/english-fragments.ts';
import { fakeContext } from '../helpers/fake-context.ts';
import { tmpDir } from '../helpers/tmp.ts';

/**
 * A student whose machine speaks Japanese (LANG=ja_JP.UTF-8, no --lang) reads the loop of
 * tasks, hint and quiz in Japanese: lab's own lines too, not only the lab file's texts.
 */
const english = englishFragments();

async function student() {
  const home = await tmpDir('lab-ja-');
  return (json = false) => fakeContext(json, { env: { LANG: 'ja_JP.UTF-8', LAB_HOME: join(home, 'home') } });
}

const noEnglish = (text: string) => {
  for (const fragment of english) expect(text, fragment).not.toContain(fragment);
  // One-word English the fragments leave out: the line heads.
  expect(text).not.toMatch(/^(Hint \d|Next:|Quiz:|Another:|All \d)/m);
};

describe('the student loop in Japanese (LANG=ja_JP.UTF-8), no engine', () => {
  it('finds English sentences of the catalog to look for', () => {
    expect(english).toEqual(
      expect.arrayContaining(['When done:', 'Last grade:', 'Every task passed.', 'question(s), not answered yet:']),
    );
  });

  it('tasks 02: the table, the next task, what to run when done, the quiz', async () => {
    const { ctx, stdout } = (await student())();
    await tasks(ctx, { lab: '02' });
    const lines = stdout.text.split('\n');
    expect(lines[0]).toMatch(/^# +タスク +タイトル +状態 +前提$/);
    expect(lines).toContainEqual(expect.stringMatching(/^1 +frontend +.+ +未完了$/));
    expect(lines).toContainEqual(expect.stringMatching(/ロック中 +frontend$/));
    expect(lines).toContainEqual(expect.stringMatching(/^次のタスク：.+（frontend）$/));
    expect(stdout.text).toContain(
      'できたら lab grade 02 で採点しましょう。行き詰まったら lab hint 02 でヒントを表示できます。',
    );
    expect(stdout.text).toMatch(/クイズ：全\d+問、まだ解答していません。解答するには lab quiz 02 を実行します。/);
    noEnglish(stdout.text);
  });

  it('hint 02: the first hint, then the second, then the last one says no more', async () => {
    const as = await student();
    const first = as();
    await hint(first.ctx, { lab: '02' });
    expect(first.stdout.text).toMatch(
      /^ヒント 1\/2（frontend）：frontend には bind :8080 と default_backend app、backend には server 行が必要です。\n/,
    );
    expect(first.stdout.text).toContain('次のヒント：lab hint 02\n');
    noEnglish(first.stdout.text);
    const second = as();
    await hint(second.ctx, { lab: '02' });
    expect(second.stdout.text).toMatch(/^ヒント 2\/2（frontend）：/);
    expect(second.stdout.text).not.toContain('次のヒント');
    noEnglish(second.stdout.text);
  });

  it('quiz 02 --answer: marks in Japanese, the right answer named, the score', async () => {
    const as = await student();
    // --json tells the right letters, which each workspace shuffles.
    const probe = as(true);
    await expect(quiz(probe.ctx, { lab: '02', answer: '' })).rejects.toThrow(ExitError);
    const marks = JSON.parse(probe.stdout.text) as { total: number; questions: { id: string; right: string }[] };
    const [first, ...rest] = marks.questions;
    const { ctx, stdout } = as();
    await expect(quiz(ctx, { lab: '02', answer: `${first!.id}=${first!.right}` })).rejects.toThrow(ExitError);
    expect(stdout.text).toMatch(new RegExp(`^✔ ${first!.id}: `, 'm'));
    for (const q of rest)
      expect(stdout.text).toMatch(new RegExp(`^✖ ${q.id}: [^\\n]*\\n  未解答。正解は ${q.right}：`, 'm'));
    expect(stdout.text).toContain(`\n${marks.total}問中1問正解です\n`);
    noEnglish(stdout.text);
    const after = as();
    await tasks(after.ctx, { lab: '02' });
    expect(after.stdout.text).toContain(
      `クイズ：${marks.total}問中1問正解です。もう一度解くには lab quiz 02 を実行します。`,
    );
  });

  it('English stays as it was under LANG=C', async () => {
    const home = await tmpDir('lab-ja-');
    const { ctx, stdout } = fakeContext(false, { env: { LANG: 'C', LAB_HOME: join(home, 'home') } });
    await tasks(ctx, { lab: '02' });
    expect(stdout.text.split('\n')[0]).toMatch(/^# +TASK +TITLE +STATE +NEEDS$/);
    expect(stdout.text).toMatch(/\nNext: .+ \(frontend\)\n/);
    expect(stdout.text).toContain('\nWhen done: lab grade 02   Stuck? lab hint 02\n');
    expect(stdout.text).toMatch(/\nQuiz: \d+ question\(s\), not answered yet: lab quiz 02\n/);
  });
});
