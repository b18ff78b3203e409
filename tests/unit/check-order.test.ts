import { describe, expect, it } from 'vitest';
import { byCost, CHECK_COST, isDrill, notRunReason } from '../../src/core/exercises/check-order.ts';
import { gradeStatus } from '../../src/core/exercises/task-state.ts';
import type { TaskCheck } from '../../src/core/task-schema.ts';

const c = (name: string, kind: TaskCheck['kind']) => ({ name, kind });

describe('check order: cheapest first, drills last', () => {
  it.each([
    [
      'lab 07 backup: the servers check before the kill drill',
      [c('standby', 'failover'), c('one-backup', 'servers')],
      ['one-backup', 'standby'],
    ],
    [
      'lab 02 health-checks keeps its order (already cheapest first)',
      [c('on', 'servers'), c('up', 'replicas-up'), c('drill', 'failover')],
      ['on', 'up', 'drill'],
    ],
    ['same cost keeps the file order', [c('b', 'routing'), c('a', 'routing'), c('h', 'http')], ['b', 'a', 'h']],
    [
      'a burst before a session drill before chaos',
      [c('chaos', 'chaos'), c('s', 'session'), c('d', 'distribution')],
      ['d', 's', 'chaos'],
    ],
  ])('%s', (_name, checks, want) => {
    expect(byCost(checks).map((x) => x.name)).toEqual(want);
  });

  it('every kind has a cost, and only what breaks or runs for seconds is a drill', () => {
    const drills = (Object.keys(CHECK_COST) as TaskCheck['kind'][]).filter((k) => isDrill({ kind: k })).sort();
    expect(drills).toEqual(['chaos', 'failover', 'kill-replica', 'rollout', 'session', 'throughput']);
  });

  it('names the check that failed first', () => {
    expect(notRunReason('one-backup-server')).toBe('not run: one-backup-server failed first');
  });

  it('a task with a check not run never passes', () => {
    expect(gradeStatus([], ['FAIL', 'SKIP'])).toBe('fail');
    expect(gradeStatus([], ['PASS', 'SKIP'])).toBe('fail');
    expect(gradeStatus([], ['PASS', 'PASS'])).toBe('pass');
  });
});
