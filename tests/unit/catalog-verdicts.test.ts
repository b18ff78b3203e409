/**
 * Verdicts the catalog labs (01 scale up vs out, 04 L4 vs L7) rely on: kill-replica's failed
 * share against minFailed/maxFailed, affinity by connection, and the lab-file rule that a check
 * sent to another HAProxy port needs clients.
 */
import { describe, expect, it } from 'vitest';
import { judgeAffinity } from '../../src/core/verdicts-affinity.ts';
import { judgeKill } from '../../src/core/verdicts-kill.ts';
import { taskProblems } from '../../src/core/exercises/task-problems.ts';
import { TaskSchema } from '../../src/core/task-schema.ts';

describe('kill-replica verdict', () => {
  it.each([
    {
      name: 'one replica: every request fails, as expected',
      o: { replicas: 1, sent: 120, failed: 118, downMs: 4200 },
      e: { minFailed: 0.5 },
      pass: true,
      reason:
        /^118 of 120 requests \(98%\) failed from just before big had one of its 1 replica\(s\) killed until it was back \(4\.2 s until HAProxy had it UP again\): with one replica, every request fails until it is back$/,
    },
    {
      name: 'four replicas: the others took over',
      o: { replicas: 4, sent: 120, failed: 0, downMs: 3000 },
      e: { maxFailed: 0.1 },
      pass: true,
      reason: /0 of 120 requests \(0%\) failed .*: the 3 other replica\(s\) took over/,
    },
    {
      name: 'one replica where a few failures are expected (the starter)',
      o: { replicas: 1, sent: 100, failed: 100, downMs: 3000 },
      e: { maxFailed: 0.1 },
      pass: false,
      reason:
        /100 of 100 requests \(100%\) failed.*expected at most 10%: big had no other replica to take over: scale it out \(lab scale <lab> big=4\)/,
    },
    {
      name: 'several replicas and still many failures',
      o: { replicas: 4, sent: 100, failed: 40, downMs: 3000 },
      e: { maxFailed: 0.1 },
      pass: false,
      reason:
        /expected at most 10%: the 3 other replica\(s\) should have taken over: are they UP, and does HAProxy retry/,
    },
    {
      name: 'a single point of failure expected, none seen',
      o: { replicas: 4, sent: 100, failed: 0, downMs: 3000 },
      e: { minFailed: 0.5 },
      pass: false,
      reason:
        /expected at least 50%: big has 3 other replica\(s\) to take over; this check expects a service with one replica/,
    },
    {
      name: 'never back UP',
      o: { replicas: 4, sent: 100, failed: 0, downMs: null },
      e: { maxFailed: 0.1 },
      pass: false,
      reason: /did not come back UP in HAProxy: look at lab status/,
    },
    {
      name: 'no load at all',
      o: { replicas: 1, sent: 0, failed: 0, downMs: 3000 },
      e: { minFailed: 0.5 },
      pass: false,
      reason: /no request was sent while the big replica was down/,
    },
    {
      name: 'slowstart expected and HAProxy eased the replica in',
      o: { replicas: 3, sent: 100, failed: 0, downMs: 3500, throttle: 12 },
      e: { slowstart: true },
      pass: true,
      reason: /the 2 other replica\(s\) took over; slowstart eased it back in \(throttle 12% when it was UP again\)$/,
    },
    {
      name: 'slowstart expected, none in the stats (the starter)',
      o: { replicas: 3, sent: 100, failed: 0, downMs: 3500, throttle: null },
      e: { slowstart: true },
      pass: false,
      reason:
        /HAProxy gave the replica its full share as soon as it was UP again \(its stats show no throttle\): add slowstart to its server line/,
    },
    {
      name: 'slowstart expected, throttle not read',
      o: { replicas: 3, sent: 100, failed: 0, downMs: 3500 },
      e: { slowstart: true },
      pass: false,
      reason: /its stats show no throttle/,
    },
    {
      name: 'a full share at once expected, slowstart seen',
      o: { replicas: 3, sent: 100, failed: 0, downMs: 3500, throttle: 40 },
      e: { slowstart: false },
      pass: false,
      reason: /eased it back in \(throttle 40%\), expected its full share at once: remove slowstart/,
    },
    {
      name: 'failures are judged before slowstart',
      o: { replicas: 3, sent: 100, failed: 30, downMs: 3500, throttle: 40 },
      e: { maxFailed: 0, slowstart: true },
      pass: false,
      reason: /expected at most 0%/,
    },
  ])('$name', ({ o, e, pass, reason }) => {
    const v = judgeKill({ service: 'big', ...o }, e);
    expect(v.pass).toBe(pass);
    expect(v.reason).toMatch(reason);
  });
});

describe('affinity by connection', () => {
  const s = (sender: string, byServer: Record<string, number>) => ({ sender, sent: 10, failed: 0, byServer });
  it('passes when each kept-alive connection stays on one server and the connections spread', () => {
    const v = judgeAffinity({
      by: 'connection',
      spread: 2,
      senders: [s('client 1', { 'web/1/v1': 10 }), s('client 2', { 'web/2/v1': 10 })],
    });
    expect(v.pass).toBe(true);
  });
  it('fails in mode http, where one connection is spread per request, and says why', () => {
    const v = judgeAffinity({
      by: 'connection',
      spread: 2,
      senders: [s('client 1', { 'web/1/v1': 5, 'web/2/v1': 5 }), s('client 2', { 'web/1/v1': 5, 'web/2/v1': 5 })],
    });
    expect(v.pass).toBe(false);
    expect(v.reason).toMatch(
      /client 1's 10 requests went to 2 servers: web\/1\/v1 5, web\/2\/v1 5 \(and 1 more client\(s\) like it\); in mode tcp \(L4\) HAProxy picks a server once per connection/,
    );
  });
});

describe('a check sent to another HAProxy port', () => {
  const task = (port: number) =>
    TaskSchema.parse({
      id: 'l4',
      title: 't',
      instructions: 'i',
      checks: [{ kind: 'routing', port, rows: [{ path: '/', service: 'web' }] }],
      solution: ['lab up 04'],
    });
  const at = () => ({ line: 1, col: 1 });
  it('needs clients in the lab (nothing but the app port is published)', () => {
    expect(taskProblems([task(8081)], [], 'lab.yaml', at, 0).map((p) => p.message)).toEqual([
      expect.stringMatching(/port 8081 is reached from inside the lab network only, and the lab has no clients/),
    ]);
    expect(taskProblems([task(8081)], [], 'lab.yaml', at, 2)).toEqual([]);
    expect(taskProblems([task(8080)], [], 'lab.yaml', at, 0)).toEqual([]);
  });
});
