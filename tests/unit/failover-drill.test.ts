import { describe, expect, it } from 'vitest';
import {
  DRILL_CLIENT_TIMEOUT_MS,
  DRILL_FAULTS,
  drillHoldSeconds,
  drillVictims,
  failoverFaultProblem,
  parseDrillFault,
} from '../../src/core/drill-fault.ts';
import {
  failureEvents,
  failuresByCause,
  formatTimeline,
  mergeTimeline,
  type RequestMark,
  type TimelineEvent,
} from '../../src/core/failover-timeline.ts';
import type { ServerStat } from '../../src/core/haproxy-servers.ts';
import { plainPalette } from '../../src/core/palette.ts';
import { TaskCheckSchema } from '../../src/core/task-schema.ts';
import { type FailoverObserved, judgeFailover } from '../../src/core/verdicts-failover.ts';

const ok = (atMs: number): RequestMark => ({ atMs, ok: true });
const bad = (atMs: number, why = 'HTTP 503'): RequestMark => ({ atMs, ok: false, why });

/** A drill's own events, as checks/failover.ts records them. */
const drill: TimelineEvent[] = [
  { atMs: 12, kind: 'load', text: 'load started: 2 client(s) sending requests to http://127.0.0.1:8080/ (~200/s)' },
  { atMs: 810, kind: 'fault', text: 'killed lab-07-failover-app-1 (HAProxy server app2)' },
  { atMs: 1930, kind: 'down', text: 'HAProxy marked app2 DOWN (health check: L4TOUT, no answer within timeout)' },
  { atMs: 2950, kind: 'serving', text: 'survivors took the traffic: app1 51, app3 50 request(s) in 1 s' },
  { atMs: 3001, kind: 'cleared', text: 'cleared kill on lab-07-failover-app-1' },
  { atMs: 4420, kind: 'up', text: 'HAProxy has lab-07-failover-app-1 UP again as app2' },
  { atMs: 4431, kind: 'done', text: 'load stopped: 610 requests, 2 failed (HTTP 503)' },
];

describe('failover timeline', () => {
  it.each([
    { name: 'no failure, no marks', requests: [ok(1), ok(2)], texts: [] },
    { name: 'one failure', requests: [ok(1), bad(2, 'ECONNRESET')], texts: ['the only failed request (ECONNRESET)'] },
    {
      name: 'first and last, counted',
      requests: [bad(900), ok(1), bad(300, 'HTTP 500'), bad(500)],
      texts: ['first failed request (HTTP 500)', 'last failed request (HTTP 503): 3 failed in all'],
    },
  ])('failure marks: $name', ({ requests, texts }) => {
    expect(failureEvents(requests).map((e) => e.text)).toEqual(texts);
  });

  it('failed requests by cause, most frequent first', () => {
    expect(failuresByCause([bad(1), bad(2, 'ECONNRESET'), bad(3), ok(4)])).toEqual({ 'HTTP 503': 2, ECONNRESET: 1 });
    expect(Object.keys(failuresByCause([bad(1, 'b'), bad(2, 'a')]))).toEqual(['a', 'b']);
  });

  it('merges the drill events and the failure marks in time order, the flow breaking ties', () => {
    const events: TimelineEvent[] = [
      ...drill.slice(0, 2),
      { ...drill[2]!, atMs: drill[1]!.atMs },
      ...drill.slice(3),
    ].reverse();
    const kinds = mergeTimeline(events, [bad(810), bad(3500)]).map((e) => e.kind);
    expect(kinds).toEqual(['load', 'fault', 'failed', 'down', 'serving', 'cleared', 'failed', 'up', 'done']);
  });

  it('formats one line per event a student can follow (snapshot)', () => {
    const lines = formatTimeline(mergeTimeline(drill, [bad(880), bad(1700)]), plainPalette);
    expect(lines.join('\n')).toMatchInlineSnapshot(`
      "    +0.0s  load     load started: 2 client(s) sending requests to http://127.0.0.1:8080/ (~200/s)
          +0.8s  FAULT    killed lab-07-failover-app-1 (HAProxy server app2)
          +0.9s  FAILED   first failed request (HTTP 503)
          +1.7s  FAILED   last failed request (HTTP 503): 2 failed in all
          +1.9s  DOWN     HAProxy marked app2 DOWN (health check: L4TOUT, no answer within timeout)
          +3.0s  SERVING  survivors took the traffic: app1 51, app3 50 request(s) in 1 s
          +3.0s  CLEARED  cleared kill on lab-07-failover-app-1
          +4.4s  UP       HAProxy has lab-07-failover-app-1 UP again as app2
          +4.4s  load     load stopped: 610 requests, 2 failed (HTTP 503)"
    `);
  });
});

const base: FailoverObserved = {
  fault: 'kill',
  target: 'one',
  victims: ['app-1'],
  detectionMs: 1200,
  waitedMs: 4500,
  finishedDuring: 100,
  servedDuring: { app1: 50, app3: 50 },
  backupServers: [],
  backupBefore: 0,
  recoveryMs: 900,
  sent: 600,
  failed: 0,
  failedBy: {},
};

describe('failover verdict', () => {
  it.each([
    {
      name: 'detected within the budget, nothing failed',
      o: {},
      e: { detectWithin: 2.5, maxFailed: 0 },
      pass: true,
      reason:
        /^kill on app-1: HAProxy took it out in 1\.2 s \(budget 2\.5 s\), the rest served, back UP 0\.9 s after the fault was cleared; 0 of 600 requests failed$/,
    },
    {
      name: 'too slow for the budget',
      o: { detectionMs: 5600 },
      e: { detectWithin: 2.5, maxFailed: 0 },
      pass: false,
      reason: /took 5\.6 s to take app-1 out of rotation, more than the budget of 2\.5 s/,
    },
    {
      name: 'never detected: 500s behind a passing health check',
      o: { fault: 'errors=1', detectionMs: null },
      e: { maxFailed: 0 },
      pass: false,
      reason:
        /did not take app-1 out of rotation within 4\.5 s of the fault \(errors=1\): its health check still passes.*observe layer7/,
    },
    {
      name: 'too many failures, by cause',
      o: { failed: 14, failedBy: { 'HTTP 500': 12, ECONNRESET: 2 } },
      e: { maxFailed: 12 },
      pass: false,
      reason: /14 of 600 client requests failed \(HTTP 500 ×12, ECONNRESET ×2\); at most 12 may/,
    },
    {
      name: 'failures within maxFailed',
      o: { failed: 2, failedBy: { 'HTTP 503': 2 } },
      e: { maxFailed: 2 },
      pass: true,
      reason: /2 of 600 requests failed/,
    },
    {
      name: 'no survivor answered',
      o: { servedDuring: {} },
      e: { maxFailed: 0 },
      pass: false,
      reason: /no surviving replica took the traffic/,
    },
    {
      name: 'clients stuck on the broken replica: not blamed on survivors',
      o: { servedDuring: {}, finishedDuring: 0 },
      e: { maxFailed: 0 },
      pass: true,
      reason: /0 of 600/,
    },
    {
      name: 'did not come back',
      o: { recoveryMs: null },
      e: { maxFailed: 0 },
      pass: false,
      reason: /app-1 did not come back UP/,
    },
    {
      name: 'primaries: the backup served',
      o: {
        target: 'primaries',
        victims: ['app-1', 'app-2'],
        backupServers: ['standby'],
        servedDuring: { standby: 90 },
      },
      e: { maxFailed: 5 },
      pass: true,
      reason: /the backup served/,
    },
    {
      name: 'primaries: no backup server',
      o: { target: 'primaries', servedDuring: {} },
      e: { maxFailed: 5 },
      pass: false,
      reason: /no backup server with a replica behind it/,
    },
    {
      name: 'primaries: the backup did not answer',
      o: { target: 'primaries', backupServers: ['standby'], servedDuring: {} },
      e: { maxFailed: 5 },
      pass: false,
      reason: /no backup server \(standby\) answered while every primary was down/,
    },
    {
      name: 'primaries: the backup served before the fault',
      o: { target: 'primaries', backupServers: ['standby'], servedDuring: { standby: 9 }, backupBefore: 30 },
      e: { maxFailed: 5 },
      pass: false,
      reason: /answered 30 request\(s\) while the primaries were UP/,
    },
  ])('$name', ({ o, e, pass, reason }) => {
    const v = judgeFailover({ ...base, ...(o as Partial<FailoverObserved>) }, e);
    expect(v.pass, v.reason).toBe(pass);
    expect(v.reason).toMatch(reason);
  });
});

const srv = (svname: string, addr: string | null, status = 'UP', bck = 0): ServerStat =>
  ({
    pxname: 'app',
    svname,
    status,
    addr,
    bck,
    state: status === 'MAINT (resolution)' ? 'EMPTY' : status.startsWith('UP') ? 'UP' : 'DOWN',
  }) as unknown as ServerStat;
const app = (number: number, ip: string, state = 'running') => ({ number, ip, state, name: `p-app-${number}` });

describe('failover victims', () => {
  const list = [
    srv('app1', '10.0.0.3:8000'),
    srv('app2', '10.0.0.2:8000'),
    srv('standby', '10.0.0.4:8000', 'UP', 1),
    srv('app3', null, 'MAINT (resolution)'),
  ];
  const apps = [app(3, '10.0.0.4'), app(2, '10.0.0.3'), app(1, '10.0.0.2')];
  it.each([
    {
      name: 'one: the lowest-numbered replica in rotation, by address',
      target: 'one' as const,
      list,
      apps,
      victims: ['p-app-1:app2'],
    },
    {
      name: 'primaries: every non-backup server',
      target: 'primaries' as const,
      list,
      apps,
      victims: ['p-app-1:app2', 'p-app-2:app1'],
    },
    {
      name: 'one needs a second server in rotation',
      target: 'one' as const,
      list: [srv('app1', '10.0.0.3:8000'), srv('standby', '10.0.0.4:8000', 'UP', 1)],
      apps,
      victims: [],
      problem: /at least 2 servers in rotation.*HAProxy has 1/,
    },
    {
      name: 'a DOWN server is not a victim',
      target: 'primaries' as const,
      list: [srv('app1', '10.0.0.3:8000', 'DOWN')],
      apps,
      victims: [],
      problem: /No replica is in rotation/,
    },
  ])('$name', ({ target, list: l, apps: a, victims, problem }) => {
    const r = drillVictims(l, a, target);
    expect(r.victims.map((v) => `${v.app.name}:${v.server}`)).toEqual(victims);
    if (problem) expect(r.problem).toMatch(problem);
    else expect(r.problem).toBeUndefined();
  });
});

describe('failover fault', () => {
  it.each([
    ['stop', { kind: 'stop' }],
    ['kill', { kind: 'kill' }],
    ['errors=1', { kind: 'errors', rate: 1 }],
    ['latency=300', { kind: 'latency', ms: 300 }],
    ['hang', { kind: 'hang' }],
  ])('%s', (raw, spec) => {
    expect(parseDrillFault(raw)).toEqual(spec);
    expect(failoverFaultProblem(raw)).toBeUndefined();
  });

  it.each([
    ['clear', /clears faults, it is not one/],
    ['explode', /unknown fault "explode"/],
    ['errors=2', /errors must be a rate from 0 to 1/],
  ])('%s is refused with the allowed values', (raw, why) => {
    expect(failoverFaultProblem(raw)).toMatch(why);
    expect(failoverFaultProblem(raw)).toContain(DRILL_FAULTS.join(', '));
  });

  // Lab 07's task hang held its hang 1 s: ending it dropped the held requests, HAProxy retried
  // them elsewhere (retry-on empty-response), and task detect-fast's answer passed.
  it.each([
    { raw: 'hang', hold: 1, want: DRILL_CLIENT_TIMEOUT_MS / 1000 + 0.5 },
    { raw: 'pause', hold: 1, want: DRILL_CLIENT_TIMEOUT_MS / 1000 + 0.5 },
    { raw: 'hang', hold: 8, want: 8 },
    { raw: 'kill', hold: 1, want: 1 },
    { raw: 'stop', hold: 0.5, want: 0.5 },
    { raw: 'errors=1', hold: 0.5, want: 0.5 },
    { raw: 'latency=300', hold: 2, want: 2 },
  ])('hold for $raw (hold $hold): $want s', ({ raw, hold, want }) => {
    expect(drillHoldSeconds(parseDrillFault(raw), hold)).toBe(want);
  });

  it("a fault that holds requests outlasts the clients' patience", () => {
    expect(drillHoldSeconds(parseDrillFault('hang'), 1, 2000)).toBe(2.5);
    expect(drillHoldSeconds(parseDrillFault('hang'), 1) * 1000).toBeGreaterThan(DRILL_CLIENT_TIMEOUT_MS);
  });

  it('the lab file refuses a bad fault and fills the defaults', () => {
    expect(TaskCheckSchema.safeParse({ kind: 'failover', fault: 'explode' }).success).toBe(false);
    expect(TaskCheckSchema.parse({ kind: 'failover' })).toMatchObject({
      fault: 'stop',
      target: 'one',
      hold: 2,
      expect: { maxFailed: 0 },
    });
  });
});
