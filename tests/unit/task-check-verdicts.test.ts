import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStatsCsv } from '../../src/core/haproxy-stats.ts';
import { type HttpAnswer, judgeHttp, judgeRoutes } from '../../src/core/verdicts-http.ts';
import { backendView, judgeServers } from '../../src/core/verdicts-servers.ts';

const a = (
  status: number,
  app: string | null = 'app/1/1',
  body = 'hello from app 1',
  server: string | null = 'app1',
): HttpAnswer => ({ status, app, body, server });

describe('http check verdict', () => {
  it.each([
    {
      name: 'status as expected',
      answers: [a(200)],
      expect: { status: 200 },
      pass: true,
      reason: /1 request\(s\) to GET \/: status 200 ×1, answered by app\/1\/1 ×1/,
    },
    {
      name: 'wrong status',
      answers: [a(200), a(503)],
      expect: { status: 200 },
      pass: false,
      reason: /expected status 200, got 200 ×1, 503 ×1/,
    },
    {
      name: 'no status expected, a 5xx fails',
      answers: [a(502)],
      expect: {},
      pass: false,
      reason: /answered with errors: 502 ×1/,
    },
    {
      name: 'no answer',
      answers: [{ status: 0, body: '', app: null, server: null, error: 'ECONNREFUSED' }],
      expect: {},
      pass: false,
      reason: /got no answer \(ECONNREFUSED\)/,
    },
    { name: 'body fragment found', answers: [a(200)], expect: { body: 'hello' }, pass: true, reason: /status 200/ },
    {
      name: 'body fragment missing',
      answers: [a(200)],
      expect: { body: 'goodbye' },
      pass: false,
      reason: /1 of 1 answer\(s\) do not contain "goodbye"/,
    },
    {
      name: 'service answered',
      answers: [a(200, 'api/2/1')],
      expect: { service: 'api' },
      pass: true,
      reason: /api\/2\/1/,
    },
    {
      name: 'another service answered',
      answers: [a(200, 'web/1/1')],
      expect: { service: 'api' },
      pass: false,
      reason: /expected service api to answer, got web ×1/,
    },
    {
      name: 'no X-App header',
      answers: [a(200, null)],
      expect: { service: 'api' },
      pass: false,
      reason: /\(no X-App header\) ×1/,
    },
    {
      name: 'version',
      answers: [a(200, 'app/1/2'), a(200, 'app/2/1')],
      expect: { version: '2' },
      pass: false,
      reason: /expected version 2, got 2 ×1, 1 ×1/,
    },
    {
      name: 'sticky: one replica',
      answers: [a(200), a(200), a(200)],
      expect: { sameReplica: true },
      pass: true,
      reason: /app\/1\/1 ×3/,
    },
    {
      name: 'not sticky: spread',
      answers: [a(200, 'app/1/1'), a(200, 'app/2/1'), a(200, 'app/1/1')],
      expect: { sameReplica: true },
      pass: false,
      reason: /sent to 2 different replicas \(app\/1\/1 ×2, app\/2\/1 ×1\)/,
    },
    {
      name: 'sticky needs two requests',
      answers: [a(200)],
      expect: { sameReplica: true },
      pass: false,
      reason: /at least 2 requests/,
    },
  ])('$name', ({ answers, expect: e, pass, reason }) => {
    const v = judgeHttp(answers, e, 'GET /');
    expect(v.pass).toBe(pass);
    expect(v.reason).toMatch(reason);
  });
});

describe('routing check verdict', () => {
  const rows = [
    { method: 'GET', path: '/api/users', service: 'api' },
    { method: 'GET', path: '/', headers: { Host: 'static.local' }, service: 'static' },
  ];
  it('passes when every row reaches its service', () => {
    const { results, verdict } = judgeRoutes(rows, [a(200, 'api/1/1'), a(200, 'static/1/1')]);
    expect(verdict).toEqual({ pass: true, reason: 'all 2 route(s) reached the expected service' });
    expect(results.map((r) => r.got)).toEqual(['api', 'static']);
  });
  it('reports every row that went elsewhere', () => {
    const { results, verdict } = judgeRoutes(rows, [
      a(200, 'web/1/1'),
      { status: 0, body: '', app: null, server: null, error: 'ECONNRESET' },
    ]);
    expect(results.map((r) => r.pass)).toEqual([false, false]);
    expect(verdict.pass).toBe(false);
    expect(verdict.reason).toBe(
      '2 of 2 route(s) went elsewhere: GET /api/users → web, expected api; GET / Host: static.local → (no answer: ECONNRESET), expected static',
    );
  });
  it('a 5xx from the right service is not a route', () => {
    expect(judgeRoutes([rows[0]!], [a(503, 'api/1/1')]).verdict.pass).toBe(false);
  });
});

const csv = (lines: string[]) => parseStatsCsv(`# pxname,svname,status,bck,check_status,algo\n${lines.join('\n')}\n`);

describe('servers check verdict', () => {
  const five = csv([
    ...[1, 2, 3, 4, 5].map((i) => `app,app${i},UP,0,L7OK,`),
    'app,app6,MAINT (resolution),0,,',
    'app,BACKEND,UP,0,,leastconn',
  ]);
  it('counts servers with a replica, UP, checked, backups and the algorithm from the real 3.0 CSV', () => {
    const rows = parseStatsCsv(
      readFileSync(new URL('../fixtures/stats/haproxy-3.0-http.csv', import.meta.url), 'utf8'),
    );
    const v = backendView(rows, 'app');
    expect(v).toMatchObject({ exists: true, servers: 4, up: 3, checked: 4, backup: 0 });
    expect(v.notServing).toEqual([expect.stringMatching(/^app4 DOWN/)]);
  });
  it.each([
    {
      name: '5 UP',
      rows: five,
      e: { servers: 5, up: 5 },
      pass: true,
      reason: /5 of 5 server\(s\) UP, health checks on, 0 backup, balance leastconn/,
    },
    {
      name: 'only 3 replicas',
      rows: five.filter((r) => !['app4', 'app5'].includes(r.svname)),
      e: { up: 5 },
      pass: false,
      reason: /^3 server\(s\) are UP, expected 5$/,
    },
    { name: 'algorithm leastconn', rows: five, e: { algorithm: 'leastconn' }, pass: true, reason: /balance leastconn/ },
    {
      name: 'still roundrobin',
      rows: csv(['app,app1,UP,0,L7OK,', 'app,BACKEND,UP,0,,roundrobin']),
      e: { algorithm: 'leastconn' },
      pass: false,
      reason: /HAProxy runs balance roundrobin, expected leastconn \(backend app\)/,
    },
    // A check that names no backend judges the one the traffic reaches: the reason says which (lab 05's roundrobin baseline).
    {
      name: 'the default backend switched to leastconn',
      rows: csv(['pool,p1,UP,0,L7OK,', 'pool,BACKEND,UP,0,,leastconn']),
      e: { algorithm: 'roundrobin' },
      backend: 'pool',
      pass: false,
      reason: /HAProxy runs balance leastconn, expected roundrobin \(backend pool\)/,
    },
    {
      name: 'balance random shows as unknown',
      rows: csv(['app,app1,UP,0,L7OK,', 'app,BACKEND,UP,0,,unknown']),
      e: { algorithm: 'random' },
      pass: true,
      reason: /balance random/,
    },
    {
      name: 'health checks off',
      rows: csv(['app,app1,no check,0,,', 'app,app2,no check,0,,', 'app,BACKEND,UP,0,,roundrobin']),
      e: { healthChecks: true, up: 2 },
      pass: false,
      reason: /^health checks are off on 2 of 2 server\(s\): add "check"/,
    },
    {
      name: 'health checks expected off',
      rows: five,
      e: { healthChecks: false },
      pass: false,
      reason: /health checks are on for 5 server\(s\), expected off/,
    },
    {
      name: 'a backup server',
      rows: csv(['app,app1,UP,0,L7OK,', 'app,spare,UP,1,L7OK,', 'app,BACKEND,UP,0,,roundrobin']),
      e: { backup: 1, servers: 2 },
      pass: true,
      reason: /1 backup/,
    },
    { name: 'no backup', rows: five, e: { backup: 1 }, pass: false, reason: /0 backup server\(s\), expected 1/ },
    {
      name: 'no such backend',
      rows: five,
      e: { up: 1 },
      backend: 'api',
      pass: false,
      reason: /HAProxy has no backend "api"/,
    },
    {
      name: 'a DOWN server is named',
      rows: csv(['app,app1,UP,0,L7OK,', 'app,app2,DOWN,0,L4CON,', 'app,BACKEND,UP,0,,roundrobin']),
      e: { up: 2 },
      pass: false,
      reason: /not serving: app2 DOWN \(health check: L4CON/,
    },
  ])('$name', ({ rows, e, pass, reason, backend }) => {
    const v = judgeServers(backendView(rows, backend ?? 'app'), e);
    expect(v.pass).toBe(pass);
    expect(v.reason).toMatch(reason);
  });
});
