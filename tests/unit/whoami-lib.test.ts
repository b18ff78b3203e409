// The demo app's pure parts, table by table (compose/whoami/lib).
import { describe, it, expect } from 'vitest';
import { Faults, parseFault } from '../../compose/whoami/lib/faults.mjs';
import { badName, parsePtrName } from '../../compose/whoami/lib/identity.mjs';
import { encodeCommand, parseRedisUrl, parseReply, RedisError } from '../../compose/whoami/lib/resp.mjs';
import { sessionIdOf, sessionState } from '../../compose/whoami/lib/session.mjs';
import { Histogram, outcome, Tally, type RequestResult } from '../../compose/whoami/lib/client/stats.mjs';
import { parseClientArgs, runSpec } from '../../compose/whoami/lib/client/spec.mjs';

describe('parsePtrName: service and replica from the name Docker DNS gives a container', () => {
  it.each([
    ['lab03-app-1.lab03_default', { service: 'app', replica: 1 }],
    ['lab-03-load-balancing-app-12.lab-03-load-balancing_default', { service: 'app', replica: 12 }],
    ['p-my-api-3.p_default', { service: 'my-api', replica: 3 }],
    ['lab_x-web-2.lab_x_default', { service: 'web', replica: 2 }],
    ['lab_x-web-2.lab_x_front_net.', { service: 'web', replica: 2 }],
    ['lab03-app-1', { service: null, replica: 1 }],
    ['solo-4.external', { service: null, replica: 4 }],
    ['0a1b2c3d4e5f', { service: null, replica: null }],
    ['vm', { service: null, replica: null }],
  ])('%s → %j', (name, want) => {
    expect(parsePtrName(name)).toEqual(want);
  });
});

describe('badName: SERVICE and VERSION fit in X-App', () => {
  it.each([
    ['v1', null],
    ['2.0.1-rc_1', null],
    ['a'.repeat(63), null],
    ['a'.repeat(64), /1 to 63/],
    ['v/2', /letters, digits/],
    ['-v2', /letters, digits/],
    ['v 2', /letters, digits/],
    ['', /letters, digits/],
  ])('%j', (value, want) => {
    const bad = badName('VERSION', value);
    if (want === null) expect(bad).toBeNull();
    else expect(bad).toMatch(want);
  });
});

describe('parseFault', () => {
  it.each([
    ['latency', { ms: '200' }, { ms: 200, seconds: null }],
    ['latency', { ms: 0, for: '1.5' }, { ms: 0, seconds: 1.5 }],
    ['errors', { rate: '0.25' }, { rate: 0.25, status: 500, seconds: null }],
    ['errors', { rate: 1, status: '503', for: 10 }, { rate: 1, status: 503, seconds: 10 }],
    ['hang', {}, { seconds: null }],
    ['unhealthy', { for: '5' }, { status: 503, seconds: 5 }],
    ['unhealthy', { status: '404' }, { status: 404, seconds: null }],
    ['exit', {}, { code: 1 }],
    ['exit', { code: '0' }, { code: 0 }],
  ])('%s %j → %j', (kind, params, want) => {
    expect(parseFault(kind, params)).toEqual(want);
  });

  it.each([
    ['latency', { ms: '1.5' }, 400, /ms must be an integer/],
    ['latency', { ms: '60001' }, 400, /from 0 to 60000/],
    ['errors', {}, 400, /rate is required/],
    ['errors', { rate: '0.5', status: '404' }, 400, /status must be an integer from 500 to 599/],
    ['unhealthy', { status: '200' }, 400, /status must be an integer from 400 to 599/],
    ['hang', { for: '0' }, 400, /for must be a number from 0.001/],
    ['hang', { ms: '5' }, 400, /unknown parameter ms: hang takes for/],
    ['exit', { code: '256' }, 400, /code must be an integer from 0 to 255/],
    ['pause', {}, 404, /no fault named "pause"/],
  ])('%s %j → %i', (kind, params, status, message) => {
    expect(() => parseFault(kind, params)).toThrow(
      expect.objectContaining({ status, message: expect.stringMatching(message) }),
    );
  });
});

describe('Faults.errorStatus: exactly `rate` of the requests fail, evenly spread', () => {
  it.each([
    [0, '..........'],
    [0.1, '.........x'],
    [0.25, '...x...x..'],
    [0.5, '.x.x.x.x.x'],
    [1 / 3, '..x..x..x.'],
    [1, 'xxxxxxxxxx'],
  ])('rate %d', (rate, pattern) => {
    const faults = new Faults();
    faults.set('errors', { rate, status: 500, seconds: null });
    const seen = Array.from({ length: 10 }, () => (faults.errorStatus() ? 'x' : '.')).join('');
    expect(seen).toBe(pattern);
    faults.clear('errors');
    expect(faults.errorStatus()).toBe(0);
  });

  it('tells onClear of every clearing, and only of real ones', () => {
    const cleared: string[] = [];
    const faults = new Faults((kind) => cleared.push(kind));
    faults.set('hang', { seconds: null });
    faults.set('latency', { ms: 5, seconds: null });
    faults.set('latency', { ms: 9, seconds: null }); // replaces: the old one is cleared
    expect(faults.latencyMs).toBe(9);
    expect(faults.clear('unhealthy')).toBe(false);
    expect(faults.clearAll()).toEqual(['hang', 'latency']);
    expect(cleared).toEqual(['latency', 'hang', 'latency']);
    expect(faults.view()).toEqual({});
  });
});

describe('RESP', () => {
  it('encodes a command as an array of bulk strings, counting bytes', () => {
    expect(encodeCommand(['EXPIRE', 'k', 60])).toBe('*3\r\n$6\r\nEXPIRE\r\n$1\r\nk\r\n$2\r\n60\r\n');
    expect(encodeCommand(['SET', 'k', 'é'])).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\né\r\n');
  });

  it.each([
    ['+OK\r\n', 'OK'],
    ['-ERR wrong\r\n', new RedisError('ERR wrong')],
    [':42\r\n', 42],
    ['$5\r\nhello\r\n', 'hello'],
    ['$0\r\n\r\n', ''],
    ['$-1\r\n', null],
    ['*2\r\n:1\r\n$1\r\na\r\n', [1, 'a']],
    ['*-1\r\n', null],
    ['*2\r\n*1\r\n+x\r\n:2\r\n', [['x'], 2]],
  ])('parses %j', (text, value) => {
    const buf = Buffer.from(text);
    expect(parseReply(buf)).toEqual({ value, next: buf.length });
    // Every cut short of the whole reply is "not yet", never a wrong value.
    for (let cut = 0; cut < buf.length; cut++) expect(parseReply(buf.subarray(0, cut))).toBeNull();
  });

  it.each([
    ['redis://cache', { host: 'cache', port: 6379, db: 0, username: null, password: null }],
    ['redis://cache:6380/3', { host: 'cache', port: 6380, db: 3, username: null, password: null }],
    [
      'redis://:s%40cret@127.0.0.1:7000/0',
      { host: '127.0.0.1', port: 7000, db: 0, username: null, password: 's@cret' },
    ],
    ['redis://app:pw@[::1]:7000', { host: '::1', port: 7000, db: 0, username: 'app', password: 'pw' }],
  ])('reads %s', (url, want) => {
    expect(parseRedisUrl(url)).toEqual(want);
  });

  it.each(['cache:6379', 'http://cache:6379', 'redis://cache/abc', 'redis://cache/1?x=1', 'redis://'])(
    'refuses %s',
    (url) => {
      const r = parseRedisUrl(url);
      expect(r).toBeInstanceOf(Error);
      expect((r as Error).message).toMatch(/REDIS_URL must look like redis:\/\/host:6379\/0/);
    },
  );
});

describe('sessions', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['session=abc-123', 'abc-123'],
    ['a=1; session=abc; b=2', 'abc'],
    ['mysession=abc', null],
    ['session=bad!id', null],
    [`session=${'a'.repeat(65)}`, null],
  ])('cookie %j → %j', (header, id) => {
    expect(sessionIdOf(header)).toBe(id);
  });

  it.each([
    [false, 1, 'new'],
    [true, 2, 'kept'],
    [true, 1, 'lost'],
  ] as const)('presented %s, count %i → %s', (presented, count, state) => {
    expect(sessionState(presented, count)).toBe(state);
  });
});

describe('client stats', () => {
  it('gives percentiles within 1% by nearest rank', () => {
    const h = new Histogram();
    for (let ms = 1; ms <= 1000; ms++) h.add(ms);
    for (const [p, want] of [
      [50, 500],
      [95, 950],
      [99, 990],
      [100, 1000],
    ] as const) {
      expect(Math.abs(h.percentile(p) - want) / want).toBeLessThanOrEqual(0.01);
    }
    expect(new Histogram().percentile(50)).toBe(0);
  });

  it.each([
    [{ status: 200, ms: 1 }, 'ok'],
    [{ status: 302, ms: 1 }, 'ok'],
    [{ status: 404, ms: 1 }, 'other'],
    [{ status: 500, ms: 1 }, '5xx'],
    [{ status: 503, ms: 1 }, '5xx'],
    [{ status: 0, ms: 1, cause: 'connect', error: 'ECONNREFUSED' }, 'connect'],
    [{ status: 0, ms: 1, cause: 'timeout', error: 'no answer' }, 'timeout'],
    [{ status: 0, ms: 1, cause: 'other', error: 'ECONNRESET' }, 'other'],
  ] as [RequestResult, string][])('%j is %s', (r, want) => {
    expect(outcome(r)).toBe(want);
  });

  it('adds up: sent = ok + failed, failed = the sum of the causes, answers by app', () => {
    const t = new Tally();
    const results: RequestResult[] = [
      { status: 200, ms: 2, app: 'web/1/v1', session: 'new; count=1' },
      { status: 200, ms: 4, app: 'web/2/v2', servedBy: 'app2', session: 'kept; count=2' },
      { status: 500, ms: 1, app: 'web/2/v2' },
      { status: 0, ms: 9, cause: 'connect', error: 'ECONNREFUSED' },
      { status: 0, ms: 9, cause: 'connect', error: 'ECONNREFUSED' },
      { status: 0, ms: 2000, cause: 'timeout', error: 'no answer within 2000 ms' },
      { status: 404, ms: 1, app: 'api/1/v1', session: 'lost; count=1' },
    ];
    for (const r of results) t.record(r);
    const s = t.summary(1000);
    expect(s).toMatchObject({
      sent: 7,
      ok: 2,
      failed: 5,
      failures: { connect: 2, timeout: 1, '5xx': 1, other: 1 },
      rps: 7,
      byApp: { 'web/1/v1': 1, 'web/2/v2': 2, 'api/1/v1': 1 },
      byService: { web: 3, api: 1 },
      byVersion: { v1: 2, v2: 2 },
      failedByApp: { 'web/2/v2': 1, 'api/1/v1': 1 },
      byServedBy: { app2: 1 },
      sessions: { new: 1, kept: 1, lost: 1 },
      errors: ['HTTP 500', 'ECONNREFUSED', 'no answer within 2000 ms', 'HTTP 404'],
    });
    // Latency of answers only: a refused connection has none.
    expect(s.latencyMs.max).toBe(4);
  });
});

describe('client run spec', () => {
  it.each([
    [
      { url: 'http://h/' },
      { concurrency: 1, rate: null, requests: 100, duration: null, keepAlive: true, cookies: false, timeoutMs: 2000 },
    ],
    [
      { url: 'http://h/', rate: '50', duration: '2' },
      { concurrency: 100, rate: 50, requests: null, duration: 2 },
    ],
    [
      { url: 'http://h/', concurrency: 8, requests: 10, duration: 1 },
      { concurrency: 8, requests: 10, duration: 1 },
    ],
    [
      { url: 'http://h:8080/x?y=1', keepAlive: false, cookies: true, headers: { 'X-Canary': '1' } },
      { url: 'http://h:8080/x?y=1', keepAlive: false, cookies: true, headers: { 'X-Canary': '1' } },
    ],
  ])('%j', (input, want) => {
    expect(runSpec(input)).toMatchObject(want);
  });

  it.each([
    [{}, /url must be an http:\/\/ URL/],
    [{ url: 'https://h/' }, /url must be an http:\/\/ URL/],
    [{ url: 'http://h/', rate: 0 }, /rate must be a number from 0.1 to 100000/],
    [{ url: 'http://h/', rate: -5 }, /rate must be a number from 0.1/],
    [{ url: 'http://h/', concurrency: 1001 }, /concurrency must be an integer from 1 to 1000/],
    [{ url: 'http://h/', duration: 3601 }, /duration must be a number from 0.1 to 3600/],
    [{ url: 'http://h/', keepAlive: 'no' }, /keepAlive must be true or false/],
    [{ url: 'http://h/', headers: { 'Bad Name': 'x' } }, /header "Bad Name"/],
    [{ url: 'http://h/', headers: { X: 'a\r\nb' } }, /header "X"/],
    [{ url: 'http://h/', sped: 1 }, /unknown parameter sped: a run takes url, rate/],
  ])('refuses %j', (input, message) => {
    expect(() => runSpec(input)).toThrow(message);
  });

  it.each([
    [[], {}, { serve: 8001 }],
    [['--port', '9000'], {}, { serve: 9000 }],
    [[], { CONTROL_PORT: '0' }, { serve: 0 }],
    [['--help'], {}, { help: true }],
  ])('argv %j (env %j) → %j', (argv, env, want) => {
    expect(parseClientArgs(argv, env)).toEqual(want);
  });

  it('reads a run from argv', () => {
    expect(
      parseClientArgs([
        '--url',
        'http://h/',
        '--rate',
        '20',
        '--duration',
        '3',
        '--no-keepalive',
        '--header',
        'X-A: 1',
        '--header',
        'X-B:two',
        '--cookies',
        '--timeout',
        '500',
        '--ticks',
      ]),
    ).toEqual({
      spec: {
        url: 'http://h/',
        rate: 20,
        concurrency: 100,
        duration: 3,
        requests: null,
        keepAlive: false,
        headers: { 'X-A': '1', 'X-B': 'two' },
        cookies: true,
        timeoutMs: 500,
        ticks: true,
      },
    });
  });

  it.each([
    [['--url', 'http://h/', '--timeout', '0'], /^--timeout must be an integer from 1 to 60000/],
    [['--url', 'http://h/', '--rate', '0'], /^--rate must be a number from 0.1/],
    [['--url', 'http://h/', '--header', 'nocolon'], /--header must look like 'Name: value'/],
    [['--rate', '5'], /--rate needs --url/],
    [['--url', 'http://h/', '--port', '1'], /--port is for waiting for commands/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('refuses argv %j', (argv, message) => {
    expect(() => parseClientArgs(argv)).toThrow(message);
  });
});
