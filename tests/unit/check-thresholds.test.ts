import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLab } from '../../src/config/labs.ts';
import type { TaskCheck } from '../../src/core/task-schema.ts';
import type { DistributionResult } from '../../src/core/verdicts.ts';
import { judgeServersReached } from '../../src/core/verdicts.ts';
import { judgeReached } from '../../src/core/verdicts-servers.ts';
import { REPO_ROOT } from '../helpers/lab03.ts';

/** Checks named for what they prove fail below their threshold (issue #22 item 5). */
const spread = (n: number): DistributionResult => ({
  verdict: 'PASS',
  reason: 'Even spread.',
  expectation: '',
  rows: Array.from({ length: n }, (_, i) => ({
    name: `app${i + 1}`,
    requests: 100,
    share: 1 / n,
    state: 'UP' as const,
  })),
});

describe('traffic-reaches-all-five: at least 5 servers took traffic', () => {
  it.each([
    [3, 'FAIL', /Traffic reached 3 server\(s\), but this check wants at least 5/],
    [4, 'FAIL', /reached 4 server/],
    [5, 'PASS', /5 servers took traffic/],
    [6, 'PASS', /6 servers took traffic/],
  ] as const)('%i servers → %s', (n, verdict, reason) => {
    const r = judgeServersReached(spread(n), 5);
    expect(r.verdict).toBe(verdict);
    expect(r.reason).toMatch(reason);
  });
  it.each([
    [
      'five servers, five replicas answered',
      ['app/1/v1', 'app/2/v1', 'app/3/v1', 'app/4/v1', 'app/5/v1'],
      'PASS',
      /5 servers took traffic and 5 replicas answered/,
    ],
    [
      'five server lines resolved to two replicas at start-up',
      ['app/1/v1', 'app/3/v1', 'app/1/v1'],
      'FAIL',
      /5 servers took traffic, but only 2 replica\(s\) answered \(app\/1\/v1.*app\/3\/v1\); this check wants at least 5/,
    ],
    ['no X-App seen by the client: the servers alone', [], 'PASS', /5 servers took traffic \(at least 5/],
  ] as const)('%s → %s', (_n, apps, verdict, reason) => {
    const r = judgeServersReached(spread(5), 5, apps);
    expect(r.verdict).toBe(verdict);
    expect(r.reason).toMatch(reason);
  });
  it('a failed spread stays failed, and a check without servers: is unchanged', () => {
    expect(judgeServersReached({ ...spread(5), verdict: 'FAIL' }, 5).verdict).toBe('FAIL');
    expect(judgeServersReached(spread(2), undefined)).toEqual(spread(2));
  });
});

describe('leastconn-runs-and-is-routed: the requests with the header are counted by the backend', () => {
  it.each([
    [0, false, /does not reach backend leastconn: HAProxy counted 0 of 4/],
    [3, false, /counted 3 of 4/],
    [4, true, /reaches backend leastconn \(4 of 4/],
  ])('%i of 4 counted → pass %s', (counted, pass, reason) => {
    const v = judgeReached('leastconn', 4, counted, 'GET / with X-Balance: leastconn');
    expect(v.pass).toBe(pass);
    expect(v.reason).toMatch(reason);
  });
});

describe('lab 06: the servers checks judge the backend the task names, and that its header reaches it', () => {
  const { lab } = readLab(join(REPO_ROOT, 'labs', '06-sticky-sessions', 'lab.yaml')).lab!;
  const servers = (task: string) =>
    lab.tasks.find((t) => t.id === task)!.checks.find((c) => c.kind === 'servers') as Extract<
      TaskCheck,
      { kind: 'servers' }
    >;
  it.each([
    // Task 1 names no backend (a student's backend pool passed nothing but this check): the one the app port reaches.
    ['scale-out-loses-session', undefined, undefined],
    // Tasks 2 and 3 name backend sticky and the header routed there: a commented-out use_backend
    // failed on "HAProxy set no cookie of its own" while backend sticky had one.
    ['sticky-cookie', 'sticky', { path: '/', headers: { 'X-Backend': 'sticky' } }],
    ['replica-dies', 'sticky', { path: '/', headers: { 'X-Backend': 'sticky' } }],
    // Task 4 too: a missing use_backend failed like a backend stateless with the memory app's servers.
    ['stateless-redis', 'stateless', { path: '/', headers: { 'X-Backend': 'stateless' } }],
  ])('%s: backend %s, via %o', (task, backend, via) => {
    expect(servers(task).backend).toBe(backend);
    expect(servers(task).via).toEqual(via);
  });
});
