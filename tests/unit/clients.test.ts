import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseLab } from '../../src/config/parse-lab.ts';
import { taskProblems } from '../../src/core/exercises/task-problems.ts';
import {
  emptySummary,
  type LoadSummary,
  mergeSummaries,
  normalizeSummary,
  percentile,
  sequentialSummary,
  splitEvenly,
} from '../../src/core/load-summary.ts';
import { resolveOptions } from '../../src/core/options.ts';
import { renderCompose } from '../../src/core/render-compose.ts';
import type { Task } from '../../src/core/task-schema.ts';
import { judgeAffinity } from '../../src/core/verdicts-affinity.ts';
import { judgeThroughput } from '../../src/core/verdicts-throughput.ts';
import { lab03, lab03Text } from '../helpers/lab03.ts';

const withClients = (line: string) => lab03Text().replace(/^defaults:$/m, `${line}\ndefaults:`);

describe('clients: in the lab file', () => {
  it.each([
    { line: 'clients: 3', ok: true, count: 3 },
    { line: 'clients: 0', ok: true, count: 0 },
    { line: '', ok: true, count: 0 },
    { line: 'clients: 21', ok: false, message: /^clients: must be at most 20$/ },
    { line: 'clients: -1', ok: false, message: /^clients: must be at least 0$/ },
    { line: 'clients: 1.5', ok: false, message: /^clients: must be a whole number$/ },
    { line: 'clients: many', ok: false, message: /^clients: / },
  ])('$line', ({ line, ok, count, message }) => {
    const r = parseLab(withClients(line), 'lab.yaml');
    expect(r.ok).toBe(ok);
    if (r.ok) expect(r.lab.clients).toBe(count);
    else expect(r.problems.map((p) => `${p.key}: ${p.message}`).join('\n')).toMatch(message!);
  });

  const affinityTask = (by: 'source' | 'cookie') =>
    ({
      id: 't',
      title: 't',
      instructions: 'i',
      needs: [],
      hints: [],
      mustFailOnStarter: true,
      checks: [{ kind: 'affinity', by, path: '/', requests: 20, spread: 2 }],
    }) as unknown as Task;
  it.each([
    { by: 'source' as const, clients: 0, problem: /affinity by: source needs at least 2 clients \(the lab has 0\)/ },
    { by: 'source' as const, clients: 1, problem: /needs at least 2 clients \(the lab has 1\)/ },
    { by: 'source' as const, clients: 2, problem: undefined },
    { by: 'cookie' as const, clients: 0, problem: undefined },
  ])('affinity by $by with $clients client(s)', ({ by, clients, problem }) => {
    const problems = taskProblems([affinityTask(by)], [], 'lab.yaml', () => ({ line: 7, col: 9 }), clients);
    if (problem)
      expect(problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.key} ${p.message}`)).toEqual([
        expect.stringMatching(problem),
      ]);
    else expect(problems).toEqual([]);
  });
});

describe('clients in the compose file', () => {
  const render = (clients: number) => {
    const lab = { ...lab03(), clients };
    return renderCompose({
      lab,
      options: resolveOptions(lab, { project: 'lab-03' }).options,
      workspace: '/tmp/lab-workspace',
      builds: { app: { context: '/opt/lab/compose/whoami' } },
    });
  };

  it('renders clients: 3 as a client service of 3 replicas in client mode, labelled, no ports', async () => {
    const text = render(3);
    await expect(text).toMatchFileSnapshot('./__snapshots__/render/clients-3.yaml');
    const client = parse(text).services.client;
    expect(client).toMatchObject({
      image: 'lab/whoami:1',
      pull_policy: 'never',
      depends_on: ['app'],
      environment: { MODE: 'client' },
      deploy: { replicas: 3 },
    });
    expect(client.labels).toMatchObject({
      'lab.managed': 'true',
      'lab.project': 'lab-03',
      'lab.id': '03-load-balancing',
    });
    expect(client.ports).toBeUndefined();
  });

  it('renders no client service without clients', () => {
    expect(parse(render(0)).services.client).toBeUndefined();
  });
});

const s = (over: Partial<LoadSummary>): LoadSummary => ({ ...emptySummary(), ...over });

describe('load summaries', () => {
  it('merges the summaries of clients that ran side by side', () => {
    const a = s({
      sent: 10,
      ok: 9,
      failed: 1,
      failures: { connect: 0, timeout: 0, '5xx': 1, other: 0 },
      durationMs: 1000,
      rps: 10,
      latencyMs: { p50: 5, p95: 20, p99: 30, max: 40, mean: 6 },
      byApp: { 'app/1/v1': 9 },
      byServedBy: { app1: 9 },
      errors: ['HTTP 500'],
    });
    const b = s({
      sent: 30,
      ok: 30,
      durationMs: 1500,
      rps: 20.004,
      latencyMs: { p50: 7, p95: 10, p99: 50, max: 60, mean: 8 },
      byApp: { 'app/1/v1': 10, 'app/2/v1': 20 },
      byServedBy: { app1: 10, app2: 20 },
      errors: ['ECONNRESET', 'HTTP 500'],
      interrupted: true,
    });
    expect(mergeSummaries([a, b])).toEqual({
      sent: 40,
      ok: 39,
      failed: 1,
      failures: { connect: 0, timeout: 0, '5xx': 1, other: 0 },
      durationMs: 1500,
      rps: 30,
      latencyMs: { p50: 7, p95: 20, p99: 50, max: 60, mean: 7.5 },
      byApp: { 'app/1/v1': 19, 'app/2/v1': 20 },
      byServedBy: { app1: 19, app2: 20 },
      errors: ['HTTP 500', 'ECONNRESET'],
      interrupted: true,
    });
  });

  it.each([
    { name: 'one summary is itself', list: [s({ sent: 3 })], sent: 3 },
    { name: 'none is empty', list: [], sent: 0 },
  ])('$name', ({ list, sent }) => expect(mergeSummaries(list).sent).toBe(sent));

  it.each([
    {
      name: 'equal rounds average their rate and percentiles',
      rounds: [
        [1000, 40, 100],
        [1000, 20, 300],
      ],
      want: { sent: 60, durationMs: 2000, rps: 30, p95: 200 },
    },
    {
      name: 'a longer round weighs more',
      rounds: [
        [3000, 10, 100],
        [1000, 50, 500],
      ],
      want: { sent: 80, durationMs: 4000, rps: 20, p95: 200 },
    },
    { name: 'one round is itself', rounds: [[1500, 8, 70]], want: { sent: 12, durationMs: 1500, rps: 8, p95: 70 } },
  ])('rounds of one state one after another: $name', ({ rounds, want }) => {
    const list = rounds.map(([durationMs, rps, p95]) =>
      s({
        sent: (rps! * durationMs!) / 1000,
        durationMs,
        rps,
        latencyMs: { p50: 1, p95: p95!, p99: p95!, max: p95!, mean: 1 },
      }),
    );
    const out = sequentialSummary(list);
    expect({ sent: out.sent, durationMs: out.durationMs, rps: out.rps, p95: out.latencyMs.p95 }).toEqual(want);
  });

  it('normalizes what a client sent, whatever is missing', () => {
    expect(
      normalizeSummary({ type: 'summary', sent: 2, ok: 2, byApp: { 'app/1/v1': 2, bad: 'x' }, latencyMs: { p95: 3 } }),
    ).toEqual(s({ sent: 2, ok: 2, byApp: { 'app/1/v1': 2 }, latencyMs: { p50: 0, p95: 3, p99: 0, max: 0, mean: 0 } }));
    expect(normalizeSummary(null)).toEqual(emptySummary());
  });

  it.each([
    { total: 10, parts: 3, want: [4, 3, 3] },
    { total: 2, parts: 3, want: [1, 1, 0] },
    { total: 9, parts: 1, want: [9] },
  ])('splits $total over $parts', ({ total, parts, want }) => expect(splitEvenly(total, parts)).toEqual(want));

  it.each([
    { p: 50, want: 3 },
    { p: 95, want: 5 },
    { p: 1, want: 1 },
  ])('percentile p$p of 1..5', ({ p, want }) => expect(percentile([1, 2, 3, 4, 5], p)).toBe(want));
});

describe('affinity verdict', () => {
  const c = (n: number, byServer: Record<string, number>, failed = 0) => ({
    sender: `client ${n}`,
    sent: Object.values(byServer).reduce((a, b) => a + b, 0) + failed,
    failed,
    byServer,
  });
  it.each([
    {
      name: 'source: each client on one server, 3 servers',
      by: 'source' as const,
      spread: 2,
      senders: [c(1, { app1: 20 }), c(2, { app3: 20 }), c(3, { app2: 20 })],
      pass: true,
      reason:
        /each of 3 clients stayed on one server \(client 1 → app1, client 2 → app3, client 3 → app2\): 3 server\(s\) in all/,
    },
    {
      name: 'roundrobin without cookies: scattered',
      by: 'source' as const,
      spread: 2,
      senders: [c(1, { app1: 7, app2: 7, app3: 6 }), c(2, { app1: 7, app2: 7, app3: 6 })],
      pass: false,
      reason:
        /^client 1's 20 requests went to 3 servers: app1 7, app2 7, app3 6 \(and 1 more client\(s\) like it\); with balance source every request of one client \(one source IP\) goes to one server$/,
    },
    {
      name: 'cookie: scattered browser',
      by: 'cookie' as const,
      spread: 2,
      senders: [c(1, { app1: 10 }), c(2, { app2: 5, app3: 5 })],
      pass: false,
      reason:
        /client 2's 10 requests went to 2 servers: app2 5, app3 5; with a cookie \(e\.g\. cookie SERVERID insert\)/,
    },
    {
      name: 'pinned but not spread',
      by: 'source' as const,
      spread: 2,
      senders: [c(1, { app1: 20 }), c(2, { app1: 20 })],
      pass: false,
      reason: /every client stayed on one server, but all 2 landed on app1 .*at least 2 servers/,
    },
    {
      name: 'fewer clients than spread',
      by: 'cookie' as const,
      spread: 3,
      senders: [c(1, { app1: 5 }), c(2, { app2: 5 })],
      pass: false,
      reason: /wants 3 servers reached but only 2 client\(s\) sent/,
    },
    {
      name: 'failed requests',
      by: 'source' as const,
      spread: 1,
      senders: [c(1, { app1: 18 }, 2)],
      pass: false,
      reason: /client 1: 2 of 20 requests failed/,
    },
    {
      name: 'nothing answered',
      by: 'source' as const,
      spread: 1,
      senders: [c(1, {}, 5)],
      pass: false,
      reason: /no request was answered \(1 client\(s\) sent 5\)/,
    },
  ])('$name', ({ by, spread, senders, pass, reason }) => {
    const v = judgeAffinity({ by, spread, senders });
    expect(v.pass).toBe(pass);
    expect(v.reason).toMatch(reason);
  });
});

describe('throughput verdict', () => {
  const st = (name: string, rps: number, p95: number, sent = 1000, failed = 0) => ({ name, rps, p95, sent, failed });
  const e = { rpsRatio: 1.3, margin: 0.1, maxFailed: 0.01 };
  it.each([
    {
      name: 'candidate clearly faster',
      base: st('scale-up', 200, 60),
      cand: st('scale-out', 400, 30),
      expect: e,
      pass: true,
      reason:
        /^scale-out served 2\.00× the requests\/s of scale-up \(scale-out 400 req\/s, p95 30 ms; scale-up 200 req\/s, p95 60 ms\); expected at least 1\.3×$/,
    },
    {
      name: 'within the margin',
      base: st('a', 200, 60),
      cand: st('b', 240, 50),
      expect: e,
      pass: true,
      reason: /1\.20×/,
    },
    {
      name: 'too slow',
      base: st('a', 200, 60),
      cand: st('b', 210, 55),
      expect: e,
      pass: false,
      reason: /^b served 1\.05× the requests\/s of a .*; expected at least 1\.3× \(1\.17× allowing 10% for noise\)$/,
    },
    {
      name: 'p95 too high',
      base: st('a', 200, 20),
      cand: st('b', 400, 40),
      expect: { ...e, p95Ratio: 1 },
      pass: false,
      reason: /b's p95 latency is 2\.00× a's .*expected at most 1× \(1\.10× allowing 10% for noise\)/,
    },
    {
      name: 'failures',
      base: st('a', 200, 20),
      cand: st('b', 400, 10, 1000, 50),
      expect: e,
      pass: false,
      reason: /50 of 1000 requests failed in b \(5\.0%, at most 1\.0% allowed\)/,
    },
    {
      name: 'a state unreachable',
      base: st('a', 0, 0, 10, 10),
      cand: st('b', 400, 10),
      expect: e,
      pass: false,
      reason: /a answered no request \(10 sent\)/,
    },
  ])('$name', ({ base, cand, expect: x, pass, reason }) => {
    const v = judgeThroughput(base, cand, x);
    expect(v.pass).toBe(pass);
    expect(v.reason).toMatch(reason);
  });

  // A near miss may be measured again (expect.attempts); a clear miss or failed requests never.
  it.each([
    { name: 'rps just under', cand: st('b', 200, 60), nearMiss: true },
    { name: 'rps just over half the need', cand: st('b', 120, 60), nearMiss: true },
    { name: 'rps under half the need (one replica of four)', cand: st('b', 100, 60), nearMiss: false },
    { name: 'p95 within twice its limit', cand: st('b', 400, 130), p95Ratio: 1, nearMiss: true },
    { name: 'p95 far over', cand: st('b', 400, 140), p95Ratio: 1, nearMiss: false },
    { name: 'requests failed', cand: st('b', 400, 30, 1000, 50), nearMiss: false },
    { name: 'a pass', cand: st('b', 400, 30), nearMiss: false },
  ])('near miss: $name', ({ cand, p95Ratio, nearMiss }) => {
    expect(judgeThroughput(st('a', 200, 60), cand, { ...e, p95Ratio }).nearMiss).toBe(nearMiss);
  });
});
