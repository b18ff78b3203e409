import { describe, expect, it } from 'vitest';
import type { StatsRow } from '../../src/core/haproxy-stats.ts';
import { judgeFrontendMode, trafficRoute } from '../../src/core/traffic-route.ts';

const px = (pxname: string, svname: string, stot = 0, more: Partial<StatsRow> = {}): StatsRow =>
  ({ pxname, svname, status: 'UP', stot, ...more }) as StatsRow;
const srv = (pxname: string, svname: string, addr: string, stot = 0, status = 'UP') =>
  px(pxname, svname, stot, { addr, status });
const IPS = ['10.0.0.2', '10.0.0.3', '10.0.0.4'];

/** A student's file as HAProxy's stats show it, before and after three probe requests. */
function stack(front: string, back: string, extra: StatsRow[] = [], probed = 3): [StatsRow[], StatsRow[]] {
  const rows = (n: number) => [
    px('lab_stats', 'FRONTEND', 10 + n),
    px('lab_stats', 'BACKEND', 10 + n),
    px(front, 'FRONTEND', 5 + n),
    srv(back, `${back}1`, '10.0.0.2:8000', n),
    srv(back, `${back}2`, '10.0.0.3:8000'),
    srv(back, `${back}3`, '', 0, 'MAINT (resolution)'),
    px(back, 'BACKEND', 5 + n),
    ...extra,
  ];
  return [rows(0), rows(probed)];
}

describe('trafficRoute: the proxies the lab traffic really goes through, whatever their names', () => {
  it.each([
    ['frontend web + backend app', 'web', 'app'],
    ['frontend web + backend pool', 'web', 'pool'],
    ['listen web (one proxy for both)', 'web', 'web'],
    ['frontend front + backend servers', 'front', 'servers'],
  ])('%s', (_name, front, back) => {
    const [before, after] = stack(front, back);
    expect(trafficRoute(before, after, 'app', IPS)).toEqual({ frontend: front, backend: back, how: 'traffic' });
  });

  it('ignores a backend of another service that counted nothing, and one without replicas of this service', () => {
    const other = [srv('api', 'api1', '10.0.9.9:8000'), px('api', 'BACKEND', 50)];
    const [before, after] = stack('web', 'pool', other);
    expect(trafficRoute(before, after, 'app', IPS).backend).toBe('pool');
  });

  it('a backend that counted traffic but holds none of the service replicas is not its route (lab 04: / goes to web, not api)', () => {
    const [before, after] = stack('web', 'api');
    expect(trafficRoute(before, after, 'app', ['10.0.1.1'])).toEqual({ frontend: 'web', backend: 'app', how: 'name' });
  });

  it('no request got through: the service name when HAProxy has that backend', () => {
    const [before, after] = stack('web', 'app', [], 0);
    expect(trafficRoute(before, after, 'app', IPS)).toMatchObject({ backend: 'app', how: 'name' });
  });

  it('no request got through: else the one proxy that holds the replicas', () => {
    const [before, after] = stack('web', 'pool', [], 0);
    expect(trafficRoute(before, after, 'app', IPS)).toMatchObject({ backend: 'pool', how: 'address' });
  });

  it('nothing at all (a starter without a backend): the service name, which the FAIL reasons then give', () => {
    const rows = [px('lab_stats', 'FRONTEND', 3), px('lab_stats', 'BACKEND', 3)];
    expect(
      trafficRoute(
        rows,
        rows.map((r) => ({ ...r, stot: 9 })),
        'app',
        IPS,
      ),
    ).toEqual({ frontend: null, backend: 'app', how: 'name' });
  });

  it('a counter reset by a reload counts from zero', () => {
    const [, after] = stack('web', 'pool');
    const before = after.map((r) => ({ ...r, stot: (r.stot ?? 0) + 100 }));
    expect(trafficRoute(before, after, 'app', IPS).backend).toBe('pool');
  });
});

describe('judgeFrontendMode: the frontend that took the requests runs the mode the task asks for', () => {
  const rows = (mode: string) => [px('l4', 'FRONTEND', 3, { mode }), px('web', 'FRONTEND', 9, { mode: 'http' })];
  it.each([
    ['mode tcp on :8081 passes', 'tcp', 'l4', true, /l4, the frontend on port 8081, runs mode tcp/],
    [
      'a listen in mode http on :8081 fails, naming the mode',
      'http',
      'l4',
      false,
      /runs mode http; the task asks for mode tcp/,
    ],
    [
      'no frontend took the requests',
      'tcp',
      null,
      false,
      /no frontend of HAProxy counted the requests sent to port 8081/,
    ],
  ] as const)('%s', (_n, mode, frontend, pass, reason) => {
    const v = judgeFrontendMode(rows(mode), frontend, 'tcp', 'port 8081');
    expect(v.pass).toBe(pass);
    expect(v.reason).toMatch(reason);
  });
});

describe('judgeFrontendMode with the backend: a mode tcp frontend whose backend runs mode http is L7 behind L4', () => {
  const rows = (back: string | undefined) => [
    px('l4', 'FRONTEND', 3, { mode: 'tcp' }),
    px('web-tcp', 'BACKEND', 3, back ? { mode: back } : {}),
    px('lt', 'FRONTEND', 3, { mode: 'tcp' }),
    px('lt', 'BACKEND', 3, { mode: 'tcp' }),
  ];
  it.each([
    [
      'frontend and backend both mode tcp pass',
      'l4',
      'web-tcp',
      'tcp',
      true,
      /l4, the frontend on port 8081, runs mode tcp, and so does its backend web-tcp/,
    ],
    [
      'a backend without "mode tcp" (mode http from defaults) fails, naming it',
      'l4',
      'web-tcp',
      'http',
      false,
      /web-tcp, the backend l4 on port 8081 sends its requests to, runs mode http; the task asks for mode tcp/,
    ],
    [
      'a listen is one proxy: its own mode only',
      'lt',
      'lt',
      'tcp',
      true,
      /lt, the frontend on port 8081, runs mode tcp$/,
    ],
    ['a backend the stats give no mode for is not judged', 'l4', 'web-tcp', undefined, true, /runs mode tcp$/],
    ['no backend known (no request counted there): the frontend alone', 'l4', null, 'http', true, /runs mode tcp$/],
  ] as const)('%s', (_n, frontend, backend, backMode, pass, reason) => {
    const v = judgeFrontendMode(rows(backMode), frontend, 'tcp', 'port 8081', backend);
    expect(v.pass).toBe(pass);
    expect(v.reason).toMatch(reason);
  });
});
