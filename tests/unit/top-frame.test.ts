/**
 * lab top's pure core: a snapshot from a real stats CSV (tests/fixtures/stats, see
 * haproxy-stats.test.ts for how it was made), and frames drawn from snapshots.
 */
import { readFileSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseStatsCsv } from '../../src/core/haproxy-stats.ts';
import { addrIp } from '../../src/core/haproxy-servers.ts';
import type { Palette } from '../../src/core/palette.ts';
import { fitLine, renderFrame, renderLine, type TopSnapshot, topSnapshot } from '../../src/core/top-frame.ts';

// The fixture's servers all listen on 127.0.0.1; in a lab each replica has its own address.
const rows = parseStatsCsv(
  readFileSync(new URL('../fixtures/stats/haproxy-3.0-http.csv', import.meta.url), 'utf8'),
).map((r, i) => (r.addr ? { ...r, addr: `172.30.0.${i}:8000` } : r));
const at = new Date('2026-11-29T08:30:05Z');

/** ANSI colours as chalk prints them, so frames are checked with real escape codes. */
const sgr = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const ansi: Palette = {
  green: sgr(32, 39),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
  dim: sgr(2, 22),
  bold: sgr(1, 22),
};

const live: TopSnapshot = {
  project: 'lab-03-load-balancing',
  at: at.toISOString(),
  algorithm: 'roundrobin',
  mode: 'http',
  servers: [
    {
      name: 'app1',
      status: 'UP',
      state: 'UP',
      rate: 48,
      errors: 0,
      rtimeMs: 1,
      qtimeMs: 0,
      check: 'L7OK',
      container: 'lab-03-load-balancing-app-2',
      faults: [],
    },
    {
      name: 'app2',
      status: 'DOWN',
      state: 'DOWN',
      rate: 0,
      errors: 3,
      rtimeMs: 2,
      qtimeMs: 0,
      check: 'L4CON',
      container: null,
      faults: [],
    },
    {
      name: 'app3',
      status: 'UP',
      state: 'UP',
      rate: 24,
      errors: 0,
      rtimeMs: 250,
      qtimeMs: 1,
      check: 'L7OK',
      container: 'lab-03-load-balancing-app-3',
      faults: ['latency 250 ms'],
    },
    {
      name: 'app4',
      status: 'DRAIN',
      state: 'DRAIN',
      rate: 2,
      errors: 0,
      rtimeMs: null,
      qtimeMs: null,
      check: 'L7OK',
      container: 'lab-03-load-balancing-app-4',
      faults: [],
    },
  ],
  emptySlots: 6,
  frontend: { rate: 74, errors: 1 },
  otherFaults: [{ replica: 'app/1', faults: ['killed (exited)'] }],
};

describe('topSnapshot', () => {
  it('joins servers to replicas by address, keeps faults of replicas no server points at, reads what HAProxy runs', () => {
    const app1 = rows.find((r) => r.svname === 'app1')!;
    const ip = addrIp(app1);
    const s = topSnapshot('p', at, rows, [
      { replica: 'app/1', container: 'p-app-1', ip, faults: ['unhealthy (health 503)'] },
      { replica: 'app/2', container: 'p-app-2', ip: undefined, faults: ['killed (exited)'] },
      { replica: 'app/3', container: 'p-app-3', ip: '10.9.9.9', faults: [] },
    ]);
    expect(s.servers.map((x) => [x.name, x.state])).toEqual([
      ['app1', 'UP'],
      ['app2', 'UP'],
      ['app3', 'UP'],
      ['app4', 'DOWN'],
    ]);
    expect(s.servers[0]).toMatchObject({ container: 'p-app-1', faults: ['unhealthy (health 503)'] });
    expect(s.servers[1]).toMatchObject({ container: null, faults: [] });
    expect(s.emptySlots).toBe(2);
    expect(s.algorithm).toBe('roundrobin');
    expect(s.mode).toBe('http');
    expect(s.frontend).not.toBeNull();
    expect(s.otherFaults).toEqual([{ replica: 'app/2', faults: ['killed (exited)'] }]);
    expect(s.servers.every((x) => x.check !== null && !x.check.startsWith('*'))).toBe(true);
  });

  it('counts 5xx, failed responses and failed connections as a server error', () => {
    const changed = rows.map((r) => (r.svname === 'app1' ? { ...r, hrsp5xx: 2, eresp: 1, econ: 4, rate: 9 } : r));
    expect(topSnapshot('p', at, changed, []).servers[0]).toMatchObject({ errors: 7, rate: 9 });
  });
});

describe('renderFrame', () => {
  it.each([
    ['NO_COLOR, 100 columns', 100],
    ['NO_COLOR, 60 columns (no bar, cut lines)', 60],
    ['NO_COLOR, 30 columns', 30],
  ])('%s', (_name, width) => {
    const frame = renderFrame(live, { width });
    expect(frame).not.toMatch(/\x1b/);
    for (const l of frame.split('\n')) expect(l.length, l).toBeLessThanOrEqual(width);
    expect(frame).toMatchSnapshot();
  });

  it('colours the state and faults, and a cut line still fits and resets its colour', () => {
    const frame = renderFrame(live, { width: 100, c: ansi });
    expect(frame).toMatchSnapshot();
    expect(stripVTControlCharacters(frame)).toBe(renderFrame(live, { width: 100 }));
    const narrow = renderFrame(live, { width: 40, c: ansi });
    for (const l of narrow.split('\n')) expect(stripVTControlCharacters(l).length, l).toBeLessThanOrEqual(40);
  });

  it('says so when no server has a replica', () => {
    expect(renderFrame({ ...live, servers: [], frontend: null, otherFaults: [] }, { width: 80 })).toMatch(
      /no servers with a replica behind them\n\ntotal 0 req\/s {2}0\/0 UP/,
    );
  });
});

describe('renderLine and fitLine', () => {
  it('one line per refresh without a terminal', () => {
    expect(renderLine(live)).toBe(
      '08:30:05 app1 UP 48/s | app2 DOWN 0/s | app3 UP 24/s [latency 250 ms] | app4 DRAIN 2/s | total 74/s, errors 3',
    );
  });
  it.each([
    ['short', 10, 'short'],
    ['exactly ten', 11, 'exactly ten'],
    ['a longer line', 6, 'a lon…'],
    ['\x1b[31mred text\x1b[39m', 5, '\x1b[31mred …\x1b[0m'],
    ['x', 0, ''],
  ])('fitLine(%j, %i)', (line, width, want) => {
    expect(fitLine(line, width)).toBe(want);
  });
});
