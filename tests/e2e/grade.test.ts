/**
 * Exercise mode end to end on the real engine, with lab 03's tasks: grade refuses a lab that is
 * not running (exit 2, naming `lab up`); on the starter (3 replicas) the scale task fails and the
 * tasks that need it are locked; `lab scale 03 5` makes it pass; the reference solutions make
 * every task pass (exit 0). tasks, hint and quiz read and write the saved progress.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AUTO_PORTS,
  cleanupLab,
  describeRun,
  expectExit,
  labHome,
  parseJson,
  requireDocker,
  runLab,
  skipNote,
  step,
  uniqueProject,
} from './helpers.ts';

const engine = requireDocker();

interface GradeJson {
  lab: string;
  score: number;
  tasks: {
    id: string;
    status: 'pass' | 'fail' | 'locked';
    reason: string;
    checks: { name: string; kind: string; verdict: string; reason: string; data?: unknown }[];
  }[];
}
interface TasksJson {
  next: string | null;
  tasks: { id: string; state: string; hints: { shown: number; total: number }; lastGrade: { status: string } | null }[];
  quiz: { questions: number; result: { correct: number; total: number } | null } | null;
}

const statuses = (j: GradeJson) => Object.fromEntries(j.tasks.map((t) => [t.id, t.status]));

describe.skipIf(!engine.ok).sequential(`lab grade, tasks, hint and quiz on the real engine${skipNote(engine)}`, () => {
  it('grades lab 03 from the starter to every task passing, and remembers progress, hints and the quiz', async () => {
    const p = uniqueProject();
    cleanupLab('03', p);

    await step('grade before up: exit 2 with the command to start it', async () => {
      const r = expectExit(await runLab(['grade', '03', '--project', p]), 2);
      expect(r.stderr, describeRun(r)).toMatch(/not running/);
      expect(r.stderr).toMatch(/lab up 03/);
    });

    expectExit(await runLab(['up', '03', '--replicas', '3', '--project', p, ...AUTO_PORTS], { timeout: 180_000 }), 0);

    await step('starter: scale-out fails with the numbers it saw, the rest is locked', async () => {
      const r = expectExit(await runLab(['grade', '03', '--project', p, '--json']), 1);
      const j = parseJson<GradeJson>(r);
      expect(Object.keys(j).sort()).toEqual([
        'copiesSolution',
        'hints',
        'lab',
        'passed',
        'quiz',
        'score',
        'solved',
        'tasks',
        'total',
      ]);
      expect(j.lab).toBe('03-load-balancing');
      expect(j.score).toBe(0);
      expect(statuses(j)).toEqual({ 'scale-out': 'fail', 'least-connections': 'locked', 'sticky-sessions': 'locked' });
      const scale = j.tasks[0]!;
      expect(Object.keys(scale).sort()).toEqual(['checks', 'id', 'reason', 'status', 'title']);
      expect(scale.reason).toMatch(
        /HAProxy has 3 server\(s\) with a replica behind them in app, expected 5; 3 server\(s\) are UP, expected 5/,
      );
      expect(scale.checks).toHaveLength(1);
      expect(scale.checks[0]).toMatchObject({
        name: 'five-servers-up',
        kind: 'servers',
        verdict: 'FAIL',
        data: { servers: 3, up: 3 },
      });
      expect(j.tasks[1]!.reason).toBe('needs scale-out to pass first');
      expect(j.tasks[1]!.checks).toEqual([]);
    });

    await step('tasks and hints from the saved progress', async () => {
      const t = parseJson<TasksJson>(expectExit(await runLab(['tasks', '03', '--project', p, '--json']), 0));
      expect(t.next).toBe('scale-out');
      expect(t.tasks.map((x) => [x.id, x.state, x.lastGrade?.status])).toEqual([
        ['scale-out', 'open', 'fail'],
        ['least-connections', 'locked', 'locked'],
        ['sticky-sessions', 'locked', 'locked'],
      ]);
      const h1 = expectExit(await runLab(['hint', '03', '--project', p]), 0);
      expect(h1.stdout).toMatch(/^Hint 1 of 2 for scale-out: lab has a command/m);
      const h2 = expectExit(await runLab(['hint', '03', '--project', p, '--lang', 'ja']), 0);
      // Markdown rendered for the terminal: plain (NO_COLOR), the code without its backticks.
      expect(h2.stdout).toMatch(/^ヒント 2\/2（scale-out）：lab scale 03 5 を実行し/m);
      const again = parseJson<TasksJson>(expectExit(await runLab(['tasks', '03', '--project', p, '--json']), 0));
      expect(again.tasks[0]!.hints).toEqual({ shown: 2, total: 2 });
      const text = expectExit(await runLab(['tasks', '03', '--project', p, '--lang', 'ja']), 0);
      expect(text.stdout).toMatch(/次のタスク：5台にスケールアウトする（scale-out）/);
    });

    await step("progress.json is private and listed as lab's", async () => {
      const ws = join(labHome(), 'workspaces', p);
      expect(statSync(join(ws, 'progress.json')).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(join(ws, 'lab-files.json'), 'utf8')).files).toContain('progress.json');
    });

    await step('lab scale 03 5: scale-out passes, the next tasks fail with reasons', async () => {
      expectExit(await runLab(['scale', '03', '5', '--project', p], { timeout: 180_000 }), 0);
      const r = expectExit(await runLab(['grade', '03', '--project', p, '--json']), 1);
      const j = parseJson<GradeJson>(r);
      expect(statuses(j), describeRun(r)).toEqual({
        'scale-out': 'pass',
        'least-connections': 'fail',
        'sticky-sessions': 'fail',
      });
      expect(j.score).toBe(33);
      expect(j.tasks[1]!.reason).toMatch(/HAProxy runs balance roundrobin, expected leastconn/);
      expect(j.tasks[2]!.reason).toMatch(/the same client was sent to [2-5] different replicas/);
    });

    await step('the reference solutions: every task passes, exit 0, JUnit written', async () => {
      expectExit(
        await runLab(
          ['up', '03', '--replicas', '5', '--algorithm', 'leastconn', '--sticky', '--project', p, ...AUTO_PORTS],
          { timeout: 180_000 },
        ),
        0,
      );
      const junit = join(labHome(), `grade-${p}.xml`);
      const r = expectExit(await runLab(['grade', '03', '--project', p, '--junit', junit]), 0);
      expect(r.stdout).toMatch(/Score: 3 of 3 task\(s\) passed \(100%\)/);
      expect(readFileSync(junit, 'utf8')).toMatch(/<testcase name="sticky-sessions" classname="03-load-balancing"/);
      const t = parseJson<TasksJson>(expectExit(await runLab(['tasks', '03', '--project', p, '--json']), 0));
      expect(t.next).toBeNull();
      expect(t.tasks.map((x) => x.state)).toEqual(['passed', 'passed', 'passed']);
    });

    await step('quiz: a wrong option id is exit 2 naming the allowed ones; results are saved', async () => {
      const bad = expectExit(await runLab(['quiz', '03', '--project', p, '--answer', 'scaling=z']), 2);
      expect(bad.stderr).toMatch(/"z" is not an option of scaling; allowed: a, b, c, d/);
      // The options come in this workspace's own order: nothing answered, every mark names the
      // right letter as shown (and its text, which the lab file gives).
      type Marks = { correct: number; total: number; questions: { id: string; right: string; rightText: string }[] };
      const none = parseJson<Marks>(
        expectExit(await runLab(['quiz', '03', '--project', p, '--answer', '', '--json']), 1),
      );
      expect(none).toMatchObject({ correct: 0, total: 3 });
      const right = Object.fromEntries(none.questions.map((q) => [q.id, q.right]));
      const other = (l: string) => (l === 'a' ? 'b' : 'a');
      const r = expectExit(
        await runLab([
          'quiz',
          '03',
          '--project',
          p,
          '--answer',
          `scaling=${right.scaling},load-balancer=${right['load-balancer']},high-availability=${other(right['high-availability']!)}`,
          '--json',
        ]),
        1,
      );
      expect(parseJson<Marks>(r)).toMatchObject({ correct: 2, total: 3 });
      const ok = expectExit(
        await runLab([
          'quiz',
          '03',
          '--project',
          p,
          '--answer',
          Object.entries(right)
            .map(([q, l]) => `${q}=${l}`)
            .join(','),
          '--lang',
          'ja',
        ]),
        0,
      );
      expect(ok.stdout).toMatch(/高可用性を実現するための要素でないものは？/);
      const t = parseJson<TasksJson>(expectExit(await runLab(['tasks', '03', '--project', p, '--json']), 0));
      expect(t.quiz).toEqual({ questions: 3, result: expect.objectContaining({ correct: 3, total: 3 }) });
    });

    await step("lab check 03 still runs the lab's own checks", async () => {
      const r = expectExit(await runLab(['check', '03', '--project', p, '--json']), 0);
      expect(parseJson<{ checks: { name: string }[] }>(r).checks.map((c) => c.name)).toEqual([
        'all-replicas-up',
        'traffic-is-spread',
      ]);
    });
  }, 600_000);
});
