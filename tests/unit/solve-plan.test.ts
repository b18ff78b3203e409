import { describe, expect, it } from 'vitest';
import { savedStudentName, solutionArgv, targetArgv, tasksToSolve } from '../../src/core/exercises/solution-plan.ts';
import { halvesHold, solutionCase, starterCase } from '../../src/core/exercises/test-halves.ts';
import { UsageError } from '../../src/core/errors.ts';
import { checksSettled } from '../../src/core/haproxy-servers.ts';
import type { StatsRow } from '../../src/core/haproxy-stats.ts';

const t = (id: string, needs: string[] = []) => ({ id, needs });
// File order puts a task before the one it needs: solving must still go needs first.
const TASKS = [t('health-checks', ['backend']), t('frontend'), t('backend', ['frontend']), t('scale', ['backend'])];

describe('tasksToSolve', () => {
  it.each([
    { pick: { all: true }, saved: {}, want: ['frontend', 'backend', 'health-checks', 'scale'] },
    { pick: {}, saved: {}, want: ['frontend'] },
    { pick: {}, saved: { frontend: 'pass' }, want: ['backend'] },
    { pick: {}, saved: { frontend: 'pass', backend: 'pass', 'health-checks': 'fail' }, want: ['health-checks'] },
    { pick: {}, saved: { frontend: 'pass', backend: 'pass', 'health-checks': 'pass', scale: 'pass' }, want: [] },
    { pick: { task: 'scale' }, saved: {}, want: ['scale'] },
  ] as { pick: { task?: string; all?: boolean }; saved: Record<string, string>; want: string[] }[])(
    '$pick with saved $saved → $want',
    ({ pick, saved, want }) => {
      expect(tasksToSolve(TASKS, pick, (id) => saved[id], '02').map((x) => x.id)).toEqual(want);
    },
  );
  it.each([
    [{ task: 'nope' }, /Lab 02 has no task "nope"; its tasks are: health-checks, frontend, backend, scale/],
    [{ task: 'scale', all: true }, /Name a task or give --all, not both/],
  ])('%o is a usage error', (pick, message) => {
    expect(() => tasksToSolve(TASKS, pick, () => undefined, '02')).toThrow(UsageError);
    expect(() => tasksToSolve(TASKS, pick, () => undefined, '02')).toThrow(message);
  });
});

describe('solution commands', () => {
  it.each([
    ['lab scale 03 5', ['scale', '03', '5']],
    ['lab  up 03   --replicas 5 --algorithm leastconn', ['up', '03', '--replicas', '5', '--algorithm', 'leastconn']],
    [`lab up 03 --stats-password "a b" --image 'x=y z'`, ['up', '03', '--stats-password', 'a b', '--image', 'x=y z']],
  ])('%s → %o', (command, argv) => {
    expect(solutionArgv(command)).toEqual(argv);
  });
  it.each(['docker compose up', 'lab', 'rm -rf / ; lab up 03'])('%s is refused', (command) => {
    expect(() => solutionArgv(command)).toThrow(/Not a lab command/);
  });
  const extras = ['--app-port', 'auto', '--stats-port', 'auto', '--image', 'haproxy:3.0=local'];
  it.each([
    { argv: ['scale', '03', '5'], target: { project: 'p1' }, want: ['scale', '03', '5', '--project', 'p1'] },
    { argv: ['scale', '03', '5', '-p', 'mine'], target: { project: 'p1' }, want: ['scale', '03', '5', '-p', 'mine'] },
    { argv: ['scale', '03', '5'], target: {}, want: ['scale', '03', '5'] },
    {
      argv: ['up', '03', '-n', '5'],
      target: { project: 'p1', upExtras: extras },
      want: ['up', '03', '-n', '5', '--project', 'p1', ...extras],
    },
    {
      argv: ['up', '03', '--app-port', '9000'],
      target: { upExtras: extras },
      want: ['up', '03', '--app-port', '9000', '--stats-port', 'auto', '--image', 'haproxy:3.0=local'],
    },
    { argv: ['scale', '03', '5'], target: { upExtras: extras }, want: ['scale', '03', '5'] },
    { argv: ['apply', '02'], target: { project: 'p1', upExtras: extras }, want: ['apply', '02', '--project', 'p1'] },
    { argv: ['validate'], target: { project: 'p1' }, want: ['validate'] },
    { argv: ['up', '03'], target: { workspace: '/w' }, want: ['up', '03', '--workspace', '/w'] },
    { argv: ['up', '03', '-w', '/own'], target: { workspace: '/w' }, want: ['up', '03', '-w', '/own'] },
    { argv: ['up', '03', '--workspace=/own'], target: { workspace: '/w' }, want: ['up', '03', '--workspace=/own'] },
    { argv: ['scale', '03', '5'], target: { workspace: '/w' }, want: ['scale', '03', '5'] },
    { argv: ['apply', '02'], target: { workspace: '/w' }, want: ['apply', '02'] },
    {
      argv: ['fault', '05', 'app/2', 'latency=300'],
      target: { project: 'p1' },
      want: ['fault', '05', 'app/2', 'latency=300', '--project', 'p1'],
    },
  ])('$argv on $target → $want', ({ argv, target, want }) => {
    expect(targetArgv(argv, target)).toEqual(want);
  });
});

describe('savedStudentName', () => {
  it.each([
    { existing: [], want: 'h.cfg.before-solve-backend' },
    { existing: ['h.cfg.before-solve-backend'], want: 'h.cfg.before-solve-backend-2' },
    { existing: ['h.cfg.before-solve-backend', 'h.cfg.before-solve-backend-2'], want: 'h.cfg.before-solve-backend-3' },
    { existing: ['h.cfg.before-solve-frontend'], want: 'h.cfg.before-solve-backend' },
  ])('with $existing → $want', ({ existing, want }) => {
    expect(savedStudentName('h.cfg', 'backend', (n) => existing.includes(n))).toBe(want);
  });
});

describe("lab test's two halves", () => {
  it.each([
    {
      task: { id: 'a', mustFailOnStarter: true },
      graded: { passed: false, reason: 'x: 0 of 3 UP' },
      verdict: 'PASS',
      reason: /task a fails on the starter, as it must: x: 0 of 3 UP/,
    },
    {
      task: { id: 'scale-out', mustFailOnStarter: true },
      graded: { passed: true, reason: '' },
      verdict: 'FAIL',
      reason: /^task scale-out passed on the starter: its check cannot fail$/,
    },
    {
      task: { id: 'a', mustFailOnStarter: false },
      graded: { passed: true, reason: '' },
      verdict: 'SKIP',
      reason: /mustFailOnStarter: false/,
    },
    {
      task: { id: 'a', mustFailOnStarter: true },
      graded: undefined,
      verdict: 'FAIL',
      reason: /not graded on the starter/,
    },
  ])('starter: $task.id $graded → $verdict', ({ task, graded, verdict, reason }) => {
    const c = starterCase(task, graded);
    expect(c).toMatchObject({ task: task.id, half: 'starter', verdict });
    expect(c.reason).toMatch(reason);
  });
  it.each([
    {
      s: { solution: 'ran', after: { status: 'pass', reason: '' }, final: { status: 'pass', reason: '' } },
      verdict: 'PASS',
      reason: /task x passes after its solution/,
    },
    {
      s: { solution: 'ran', after: { status: 'fail', reason: 'http: got 503' } },
      verdict: 'FAIL',
      reason: /^task x still fails after its solution: http: got 503$/,
    },
    {
      s: { solution: 'ran', after: { status: 'locked', reason: 'needs a to pass first' } },
      verdict: 'FAIL',
      reason: /still fails after its solution: needs a/,
    },
    {
      s: { solution: 'ran', after: { status: 'pass', reason: '' }, final: { status: 'fail', reason: 'servers: 3 UP' } },
      verdict: 'FAIL',
      reason: /not after the later tasks' solutions: servers: 3 UP/,
    },
    {
      s: { solution: 'failed', error: 'HAProxy rejects haproxy.cfg:3' },
      verdict: 'FAIL',
      reason: /its solution failed: HAProxy rejects/,
    },
    { s: { solution: 'none' }, verdict: 'FAIL', reason: /has no solution/ },
  ] as const)('solution: $s → $verdict', ({ s, verdict, reason }) => {
    const c = solutionCase('x', s);
    expect(c).toMatchObject({ task: 'x', half: 'solution', verdict });
    expect(c.reason).toMatch(reason);
  });
  it('the halves hold only without a FAIL', () => {
    const pass = starterCase({ id: 'a', mustFailOnStarter: true }, { passed: false, reason: 'r' });
    const skip = starterCase({ id: 'a', mustFailOnStarter: false }, undefined);
    const fail = solutionCase('a', { solution: 'none' });
    expect(halvesHold([pass, skip])).toBe(true);
    expect(halvesHold([pass, fail])).toBe(false);
  });
});

describe('checksSettled (lab test grades a solution once HAProxy has checked every replica)', () => {
  const row = (svname: string, status: string, checkStatus = 'L7OK') =>
    ({ pxname: 'app', svname, status, checkStatus }) as unknown as StatsRow;
  it.each([
    { rows: [row('BACKEND', 'UP', ''), row('app1', 'UP'), row('app2', 'UP')], want: true },
    { rows: [row('app1', 'UP'), row('app2', 'UP', 'INI')], want: false },
    { rows: [row('app1', 'UP'), row('app2', 'UP', '* INI')], want: false },
    { rows: [row('app1', 'UP 1/2', 'L4CON'), row('app2', 'UP')], want: false },
    { rows: [row('app1', 'DOWN 1/2', 'L7OK')], want: false },
    { rows: [row('app1', 'DOWN', 'L4CON'), row('app3', 'MAINT (resolution)', 'INI')], want: true },
    { rows: [row('app1', 'no check', '')], want: true },
    { rows: [], want: true },
  ])('$rows.length rows → $want', ({ rows, want }) => {
    expect(checksSettled(rows)).toBe(want);
  });
});
