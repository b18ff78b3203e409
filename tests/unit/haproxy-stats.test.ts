/**
 * Fixtures in tests/fixtures/stats are real `GET /;csv;norefresh` answers (curl -u admin:admin).
 * How they were made: three `node` HTTP servers on 127.0.0.1:24101-24103 (200 on every path),
 * and a haproxy.cfg shaped like render-haproxy.ts but with static servers so it runs outside
 * Docker: `frontend web` → `backend app` (balance roundrobin, option httpchk GET /health,
 * `default-server check inter 1s fall 2 rise 2`) with app1-app3 → those servers, app4 →
 * 127.0.0.1:24109 where nothing listens (DOWN), and `server-template app 5-6 app.invalid:80
 * init-addr none` (no resolvers, so MAINT (resolution) like an unused lab slot); `listen stats`
 * with `stats uri /`, `stats show-legends`, `stats auth admin:admin`. Everything bound 127.0.0.1.
 * - haproxy-2.6-http.csv: Debian's /usr/sbin/haproxy 2.6.12 `-db`, 21 requests (7 per server).
 * - haproxy-3.0-http-before.csv / haproxy-3.0-http.csv: `docker run --network host`
 *   lab-local/haproxy:3.0, captured after 9 requests (3 each), then after 12 more (7 each).
 * - haproxy-3.0-tcp.csv: same image, `mode tcp`, 9 curl connections (3 per server).
 * Each run waited 4 s first so app4 was DOWN before any request.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StatsParseError, parseStatsCsv, type StatsRow } from '../../src/core/haproxy-stats.ts';
import {
  allBackendServers,
  backendServers,
  checkedUp,
  describeServer,
  deltas,
  frontendErrors,
  served,
  serverState,
  servingUp,
  summarize,
} from '../../src/core/haproxy-servers.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/stats/${name}`, import.meta.url), 'utf8');
const http26 = fixture('haproxy-2.6-http.csv');
const http30 = fixture('haproxy-3.0-http.csv');
const http30Before = fixture('haproxy-3.0-http-before.csv');
const tcp30 = fixture('haproxy-3.0-tcp.csv');

/** Fixture edits by column name; fine because the captures have no quoted fields. */
function splitCsv(csv: string) {
  const [head = '', ...lines] = csv.trimEnd().split('\n');
  return { names: head.replace(/^# /, '').split(','), rows: lines.map((l) => l.split(',')) };
}
function dropColumn(csv: string, column: string): string {
  const { names, rows } = splitCsv(csv);
  const keep = (cells: string[]) => cells.filter((_, i) => names[i] !== column).join(',');
  return [`# ${keep(names)}`, ...rows.map(keep)].join('\n') + '\n';
}
/** Set one cell of the row `pxname/svname`. */
function setCell(csv: string, row: string, column: string, value: string): string {
  const { names, rows } = splitCsv(csv);
  const i = names.indexOf(column);
  const edited = rows.map((cells) =>
    `${cells[0]}/${cells[1]}` === row ? cells.map((c, j) => (j === i ? value : c)) : cells,
  );
  return [`# ${names.join(',')}`, ...edited.map((c) => c.join(','))].join('\n') + '\n';
}

const servers = (csv: string) => backendServers(parseStatsCsv(csv));

describe('parseStatsCsv on real captures', () => {
  it.each([
    ['2.6 http', http26],
    ['3.0 http', http30],
    ['3.0 tcp', tcp30],
  ])('%s: every proxy row, read by name', (_, csv) => {
    const rows = parseStatsCsv(csv);
    expect(rows.map((r) => `${r.pxname}/${r.svname}`)).toEqual([
      'web/FRONTEND',
      'app/app1',
      'app/app2',
      'app/app3',
      'app/app4',
      'app/app5',
      'app/app6',
      'app/BACKEND',
      'stats/FRONTEND',
      'stats/BACKEND',
    ]);
    const app1 = rows[1] as StatsRow;
    expect(app1).toMatchObject({
      status: 'UP',
      weight: 1,
      addr: '127.0.0.1:24101',
      checkStatus: 'L7OK',
      checkCode: 200,
      checkDesc: 'Layer7 check passed',
    });
    // Neither the trailing empty column nor the `-` separator becomes a field.
    expect(Object.keys(app1.raw)).not.toContain('');
    expect(Object.keys(app1.raw)).not.toContain('-');
    expect(app1.raw.pxname).toBe('app');
  });

  it('3.0 adds columns before `-` that 2.6 does not have', () => {
    const [r26] = parseStatsCsv(http26);
    const [r30] = parseStatsCsv(http30);
    for (const column of ['srid', 'h1sess', 'h2req', 'proto']) {
      expect(r30?.raw).toHaveProperty(column);
      expect(r26?.raw).not.toHaveProperty(column);
    }
  });

  it('reads the DOWN server and the MAINT (resolution) slots as HAProxy wrote them', () => {
    const [, , , app4, app5] = servers(http30);
    expect(app4).toMatchObject({
      status: 'DOWN',
      state: 'DOWN',
      checkStatus: 'L4CON',
      checkCode: null,
      checkDesc: 'Layer4 connection problem',
      lastChk: 'Connection refused',
      chkdown: 1,
    });
    expect(app5).toMatchObject({
      status: 'MAINT (resolution)',
      state: 'EMPTY',
      addr: null,
      checkStatus: null,
      stot: 0,
    });
  });
});

describe('allBackendServers', () => {
  const row = (pxname: string, svname: string, status = 'UP') => ({
    ...parseStatsCsv(http30)[1]!,
    pxname,
    svname,
    status,
  });
  it.each([
    {
      name: 'every backend of a student file',
      rows: [row('web', 'FRONTEND', 'OPEN'), row('api', 'api1'), row('api', 'BACKEND'), row('web', 'web1', 'DOWN')],
      want: ['api/api1/UP', 'web/web1/DOWN'],
    },
    {
      name: "lab's stats listener has none",
      rows: [row('lab_stats', 'FRONTEND', 'OPEN'), row('lab_stats', 'BACKEND')],
      want: [],
    },
    {
      name: 'the real capture: app only',
      rows: parseStatsCsv(http30),
      want: servers(http30).map((x) => `app/${x.svname}/${x.state}`),
    },
  ])('$name', ({ rows, want }) =>
    expect(allBackendServers(rows).map((x) => `${x.pxname}/${x.svname}/${x.state}`)).toEqual(want),
  );
});

describe('backendServers and summarize', () => {
  it.each([http26, http30, tcp30])('finds UP, DOWN and EMPTY slots (fixture %#)', (csv) => {
    const list = servers(csv);
    expect(list.map((s) => `${s.svname}:${s.state}`)).toEqual([
      'app1:UP',
      'app2:UP',
      'app3:UP',
      'app4:DOWN',
      'app5:EMPTY',
      'app6:EMPTY',
    ]);
    const summary = summarize(list);
    expect(summary.counts).toEqual({ UP: 3, DOWN: 1, MAINT: 0, DRAIN: 0, NOLB: 0, EMPTY: 2 });
    expect(summary.nonEmpty.map((s) => s.svname)).toEqual(['app1', 'app2', 'app3', 'app4']);
  });

  it('returns nothing for an unknown backend', () => {
    expect(backendServers(parseStatsCsv(http30), 'nope')).toEqual([]);
  });

  it.each([
    ['UP', 'UP'],
    ['UP 1/2', 'UP'],
    ['no check', 'UP'],
    ['DOWN', 'DOWN'],
    ['DOWN 1/2', 'DOWN'],
    ['MAINT', 'MAINT'],
    ['MAINT (via app/app1)', 'MAINT'],
    ['MAINT (resolution)', 'EMPTY'],
    ['DRAIN', 'DRAIN'],
    ['NOLB', 'NOLB'],
    ['NOLB 1/2', 'NOLB'],
    ['something new', 'DOWN'],
  ])('status %j is %s', (status, state) => {
    expect(serverState(status)).toBe(state);
  });
});

describe('served', () => {
  it.each([
    ['2.6 http uses req_tot', http26, 'http', [7, 7, 7, 0, 0, 0]],
    ['3.0 http uses req_tot', http30, 'http', [7, 7, 7, 0, 0, 0]],
    ['3.0 tcp uses stot (one per connection)', tcp30, 'tcp', [3, 3, 3, 0, 0, 0]],
    ['http without a req_tot column sums hrsp_*', dropColumn(http26, 'req_tot'), 'http', [7, 7, 7, 0, 0, 0]],
    ['an empty req_tot also falls back', setCell(http30, 'app/app2', 'req_tot', ''), 'http', [7, 7, 7, 0, 0, 0]],
  ] as const)('%s', (_, csv, mode, expected) => {
    expect(servers(csv).map((s) => served(s, mode))).toEqual(expected);
  });

  it('tcp capture has no req_tot or hrsp values', () => {
    expect(servers(tcp30)[0]).toMatchObject({ reqTot: null, hrsp2xx: null, stot: 3, lbtot: 3 });
  });

  it('falls back to stot when neither req_tot nor hrsp_* exist', () => {
    let csv = dropColumn(http30, 'req_tot');
    for (const c of ['hrsp_1xx', 'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx', 'hrsp_5xx', 'hrsp_other'])
      csv = dropColumn(csv, c);
    csv = setCell(csv, 'app/app1', 'stot', '9');
    expect(served(servers(csv)[0] as StatsRow, 'http')).toBe(9);
  });
});

describe('deltas', () => {
  const before = parseStatsCsv(http30Before);
  const after = parseStatsCsv(http30);

  it('counts what happened between two captures', () => {
    expect(deltas(before, after, 'http').map((d) => [d.name, d.served, d.state, d.reset])).toEqual([
      ['app1', 4, 'UP', false],
      ['app2', 4, 'UP', false],
      ['app3', 4, 'UP', false],
      ['app4', 0, 'DOWN', false],
      ['app5', 0, 'EMPTY', false],
      ['app6', 0, 'EMPTY', false],
    ]);
  });

  it('treats counters that went down as a reload: counts from zero and flags it', () => {
    const reloaded = deltas(after, before, 'http');
    expect(reloaded[0]).toMatchObject({ name: 'app1', served: 3, reset: true });
    expect(reloaded[4]).toMatchObject({ name: 'app5', served: 0, reset: false });
  });

  it('flags a reset when only a retry counter went backwards', () => {
    const more = parseStatsCsv(setCell(http30Before, 'app/app2', 'wretr', '5'));
    expect(deltas(more, after, 'http')[1]).toMatchObject({ name: 'app2', served: 7, wretr: 0, reset: true });
  });

  it('a server only in `after` counts from zero', () => {
    const withoutApp3 = before.filter((r) => r.svname !== 'app3');
    expect(deltas(withoutApp3, after, 'http')[2]).toMatchObject({ name: 'app3', served: 7, reset: false });
  });

  it('diffs the retry, redispatch and error counters too', () => {
    const later = parseStatsCsv(setCell(setCell(http30, 'app/app1', 'wretr', '2'), 'app/app1', 'econ', '1'));
    expect(deltas(before, later, 'http')[0]).toEqual({
      name: 'app1',
      served: 4,
      wretr: 2,
      wredis: 0,
      econ: 1,
      eresp: 0,
      state: 'UP',
      status: 'UP',
      reset: false,
      addr: '127.0.0.1:24101',
    });
  });
});

describe('frontendErrors', () => {
  it('is zero for the clean captures', () => {
    expect(frontendErrors(parseStatsCsv(http30Before), parseStatsCsv(http30))).toEqual({
      hrsp5xx: 0,
      ereq: 0,
      reset: false,
    });
  });
  it('reports new 5xx answers and bad requests', () => {
    const after = parseStatsCsv(setCell(setCell(http30, 'web/FRONTEND', 'hrsp_5xx', '3'), 'web/FRONTEND', 'ereq', '1'));
    expect(frontendErrors(parseStatsCsv(http30Before), after)).toEqual({ hrsp5xx: 3, ereq: 1, reset: false });
  });
  it('is null for an unknown frontend', () => {
    expect(frontendErrors([], parseStatsCsv(http30), 'nope')).toBeNull();
  });
});

describe('CSV details', () => {
  it('keeps quoted fields with commas in one column', () => {
    const quoted = http30.replace('Layer7 check passed', '"L7OK, 200 OK"');
    const app1 = servers(quoted)[0];
    expect(app1).toMatchObject({ checkDesc: 'L7OK, 200 OK', addr: '127.0.0.1:24101', mode: 'http' });
  });
  it('accepts CRLF line endings', () => {
    expect(servers(http26.replaceAll('\n', '\r\n')).map((s) => s.state)).toEqual([
      'UP',
      'UP',
      'UP',
      'DOWN',
      'EMPTY',
      'EMPTY',
    ]);
  });
  it('tolerates rows shorter than the header', () => {
    const short = '# pxname,svname,status,stot,req_tot,\napp,app1,UP,5\n';
    expect(parseStatsCsv(short)[0]).toMatchObject({ svname: 'app1', stot: 5, reqTot: null });
  });
});

describe('input that is not stats CSV', () => {
  const login401 =
    '<html><body><h1>401 Unauthorized</h1>\nYou need a valid user and password to access this content.\n</body></html>\n';
  it.each([
    ['empty', '', /empty/],
    ['whitespace', ' \n\n', /empty/],
    ['the 401 login page', login401, /HTML page/],
    ['the HTML stats page', '<!DOCTYPE html>\n<html><head>', /HTML page/],
    ['JSON', '[{"objType":"Frontend"}]', /first line should start/],
    ['CSV without status', '# pxname,svname,stot,\napp,app1,3,\n', /no "status" column/],
    ['broken quoting', '# pxname,svname,status,\napp,"app1,UP,\n', /could not be parsed/],
  ])('%s throws StatsParseError', (_, input, message) => {
    expect(() => parseStatsCsv(input)).toThrow(StatsParseError);
    expect(() => parseStatsCsv(input)).toThrow(message);
  });
});

describe('checkedUp: UP and a health check that passed', () => {
  const server = (status: string, checkStatus: string | null) =>
    backendServers(parseStatsCsv(http30)).map((s) => ({ ...s, status, state: serverState(status), checkStatus }))[0]!;
  it.each([
    ['UP', 'L7OK', true],
    ['UP', '* L7OK', true], // a new check in progress, the last one passed
    ['UP', 'L4OK', true],
    ['UP', 'INI', false], // a slot DNS just filled: UP before its first check
    ['UP', null, false],
    ['UP 1/2', 'L7STS', false], // going down: its last check failed
    ['DOWN', 'L4CON', false],
    ['MAINT (resolution)', null, false],
  ])('%s with check %s → %s', (status, check, want) => {
    expect(checkedUp(server(status, check))).toBe(want);
  });

  // What lab test waits for before grading a starter, and what the servers check counts as UP.
  it.each([
    ['UP', 'L7OK', true],
    ['no check', null, true], // a server without health checks
    ['UP 1/2', 'INI', false], // lab 06's starter after a reload: UP from the state file, first check to come
    ['UP', 'INI', false],
    ['DOWN 1/2', 'L7OK', false],
    ['MAINT', null, false],
  ])('servingUp: %s with check %s → %s', (status, check, want) => {
    expect(servingUp(server(status, check))).toBe(want);
  });
});

describe('describeServer: the failed-check line says the check plainly', () => {
  it.each([
    ['DOWN', '* L4TOUT', 'DOWN (health check: L4TOUT, no answer within timeout)'], // "* " is only "a check runs now"
    ['DOWN', 'L4CON', 'DOWN (health check: L4CON, connection refused or reset)'],
    ['DOWN', 'HANA', 'DOWN (health check: HANA, real traffic failed (observe layer4 or layer7, on-error mark-down))'],
    ['UP 1/2', 'L7STS', 'UP 1/2 (health check: L7STS, bad HTTP status)'],
    ['UP', '* L7OK', 'UP (health check: L7OK, passed)'],
    ['DOWN', 'XYZ', 'DOWN (health check: XYZ)'],
    ['MAINT (resolution)', null, 'MAINT (resolution)'],
  ])('%s with check %s → %s', (status, checkStatus, want) => {
    expect(describeServer({ status, checkStatus })).toBe(want);
  });
});
