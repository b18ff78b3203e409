/**
 * The session check's verdicts (lab 06): what one browser saw at the demo app's /session, with
 * and without a kill of the replica that held its session; and the cookie jar it keeps.
 */
import { describe, expect, it } from 'vitest';
import { cookieNames, mergeCookies } from '../../src/core/cookie-jar.ts';
import type { HttpAnswer } from '../../src/core/verdicts-http.ts';
import { judgeBeforeKill, judgeSession, parseSessionHeader, readsOn } from '../../src/core/verdicts-session.ts';

/** "app/2 kept 3" → the answer the demo app gives. */
const a = (spec: string, store = 'memory'): HttpAnswer => {
  const [who, state, count] = spec.split(' ');
  const [service, replica] = who!.split('/');
  return {
    status: 200,
    body: JSON.stringify({ state, count: Number(count), store }),
    app: `${service}/${replica}/v1`,
    server: null,
    session: `${state}; count=${count}`,
  };
};
const seq = (s: string, store?: string) => s.split(', ').map((x) => a(x, store));
const SERVERID = ['SERVERID=c0ffee', 'session=abc'];

describe('session verdict without a kill', () => {
  it.each([
    {
      name: 'roundrobin over 3 replicas loses the session',
      before: 'app/1 new 1, app/2 lost 1, app/3 lost 1, app/1 kept 2',
      cookies: ['session=abc'],
      e: { session: 'lost', sticky: false },
      pass: true,
      reason: /^the session was lost: request #2 went to app\/2, which did not know it \(app\/1 new 1, app\/2 lost 1, /,
    },
    {
      name: 'one server slot keeps it (the starter of task 1)',
      before: 'app/2 new 1, app/2 kept 2, app/2 kept 3',
      cookies: ['session=abc'],
      e: { session: 'lost', sticky: false },
      pass: false,
      reason:
        /the session was kept by all 3 requests \(app\/2 new 1, app\/2 kept 2, app\/2 kept 3\): every one went to app\/2, whose memory holds it; all 3 requests went to app\/2 \(cookies: session\): something keeps this browser on one replica \(stickiness, or a backend with a single server\)/,
    },
    {
      name: 'cookie insert keeps it',
      before: 'app/3 new 1, app/3 kept 2, app/3 kept 3',
      cookies: SERVERID,
      e: { session: 'kept', sticky: true },
      pass: true,
      reason:
        /^the session was kept: 3 requests counted 1 to 3, all on app\/3, store memory \(cookies: SERVERID, session\)$/,
    },
    {
      name: 'sticking on a cookie the app never sets (cookie JSESSIONID prefix)',
      before: 'app/1 new 1, app/2 lost 1, app/3 lost 1',
      cookies: ['session=abc'],
      e: { session: 'kept', sticky: true },
      pass: false,
      reason:
        /the session was lost: request #2 went to app\/2, whose memory store did not know it .*; the 3 requests went to 3 replicas \(app\/1 ×1, app\/2 ×1, app\/3 ×1\) although the browser sent back every cookie it was given \(session\): HAProxy set no cookie of its own/,
    },
    {
      name: 'HAProxy sets a cookie but servers have no value (insert without dynamic)',
      before: 'app/1 new 1, app/2 lost 1',
      cookies: SERVERID,
      e: { session: 'kept', sticky: true },
      pass: false,
      reason: /HAProxy did not route by its cookie: does each server have a cookie value/,
    },
  ])('$name', ({ before, cookies, e, pass, reason }) => {
    const v = judgeBeforeKill({ what: 'GET /session', before: seq(before), cookies }, e as never, false);
    expect(v?.pass).toBe(pass);
    expect(v?.reason).toMatch(reason);
  });

  it.each([
    {
      name: 'HAProxy has no backend for it',
      answer: { status: 503, body: '<html>503 Service Unavailable</html>', app: null, server: null },
      reason: /^request #1 to GET \/session got HTTP 503$/,
    },
    {
      name: 'Redis does not answer',
      answer: {
        status: 503,
        body: '{"error":"session store unavailable: redis at redis:6379/0: connection refused (ECONNREFUSED)"}',
        app: 'stateless/1/v1',
        server: null,
      },
      reason:
        /got HTTP 503: session store unavailable: redis at redis:6379\/0: connection refused \(ECONNREFUSED\) from stateless\/1/,
    },
    {
      name: 'no answer at all',
      answer: { status: 0, body: '', app: null, server: null, error: 'ECONNREFUSED' },
      reason: /got no answer \(ECONNREFUSED\)/,
    },
    {
      name: 'not the session counter',
      answer: { status: 200, body: 'replica: 1', app: 'app/1/v1', server: null, session: null },
      reason: /answered by app\/1 without an X-Session header: it did not reach the demo app's \/session/,
    },
  ])('$name', ({ answer, reason }) => {
    const v = judgeBeforeKill({ what: 'GET /session', before: [answer], cookies: [] }, { session: 'kept' }, false);
    expect(v).toMatchObject({ pass: false });
    expect(v?.reason).toMatch(reason);
  });

  it.each([
    { name: 'one server slot is not cookie stickiness', cookies: ['session=abc'], pass: false },
    // balance source or a stick table on the app's cookie keep the browser on one replica with no cookie of HAProxy's: the reason names them too.
    { name: 'balance source or a stick table is not cookie stickiness', cookies: ['session=abc'], pass: false },
    {
      name: "HAProxy's prefix on the app's own cookie is (cookie session prefix)",
      cookies: ['session=c0ffee~abc'],
      pass: true,
    },
  ])('$name', ({ cookies, pass }) => {
    const v = judgeBeforeKill(
      { what: 'GET /session', before: seq('app/2 new 1, app/2 kept 2'), cookies },
      { session: 'kept', sticky: true },
      false,
    );
    expect(v?.pass).toBe(pass);
    if (!pass)
      expect(v?.reason).toMatch(
        /^all 2 requests went to app\/2, but HAProxy set no cookie of its own \(cookies: session\): something else kept them on one replica \(a backend with a single server, balance source, a stick table\?\)/,
      );
  });

  it.each([
    // backend stateless copied from backend app with its app:8000 line: the route is right, the servers are not.
    {
      name: 'the memory app answered where stateless was expected',
      before: 'app/1 new 1, app/2 lost 1',
      e: { session: 'kept', service: 'stateless' },
      kill: true,
      reason:
        /answered by service app ×2, expected service stateless: check which backend your frontend sends them to, and that its server lines name stateless \(server-template … stateless:<port>\); the session was lost before any replica was killed/,
    },
    // backend sticky copied from backend stateless: the session would survive the kill.
    {
      name: 'the stateless app answered where the memory app was expected',
      before: 'stateless/1 new 1, stateless/1 kept 2',
      e: { session: 'lost', sticky: true, service: 'app' },
      kill: true,
      reason:
        /^answered by service stateless ×2, expected service app: check which backend your frontend sends them to, and that its server lines name app \(server-template … app:<port>\)/,
    },
  ])('$name', ({ before, e, kill, reason }) => {
    const v = judgeBeforeKill(
      { what: 'GET /session', before: seq(before, 'redis'), cookies: ['SERVERID=c0ffee', 'session=abc'] },
      e as never,
      kill,
    );
    expect(v?.pass).toBe(false);
    expect(v?.reason.replace(/^the requests were /, '')).toMatch(reason);
  });
});

describe('session verdict with a kill', () => {
  const killed = (outMs: number | null) => ({ replica: 'app/2', outMs });
  it.each([
    {
      name: 'sticky, memory: the session dies with its replica',
      before: 'app/2 new 1, app/2 kept 2, app/2 kept 3',
      after: 'app/1 lost 1, app/1 kept 2',
      store: 'memory',
      e: { session: 'lost', sticky: true },
      pass: true,
      reason:
        /^killed app\/2, which held the session \(count 3\); HAProxy took it out in 1\.2 s, then request #1 went to app\/1, which did not know the session \(count back to 1\): stickiness cannot save/,
    },
    {
      name: 'not sticky, Redis: the session survives',
      before: 'stateless/2 new 1, stateless/3 kept 2, stateless/1 kept 3, stateless/2 kept 4',
      after: 'stateless/1 kept 5, stateless/3 kept 6',
      store: 'redis',
      e: { session: 'kept', sticky: false },
      pass: true,
      reason:
        /^killed app\/2, which held the session \(count 4\); HAProxy took it out in 1\.2 s, and the session survived: 2 more requests on stateless\/1 ×1, stateless\/3 ×1 counted on to 6, store redis/,
    },
    {
      name: 'memory where Redis is expected',
      before: 'app/2 new 1, app/2 kept 2',
      after: 'app/3 lost 1',
      store: 'memory',
      e: { session: 'kept' },
      pass: false,
      reason:
        /then request #1 went to app\/3, whose memory store did not know it \(before: app\/2 new 1, app\/2 kept 2; after: app\/3 lost 1\): a session kept in one replica's memory dies with it/,
    },
    {
      name: 'a shared store where the memory app is expected',
      before: 'app/2 new 1, app/2 kept 2',
      after: 'app/3 kept 3',
      store: 'redis',
      e: { session: 'lost' },
      pass: false,
      reason: /yet the session survived on app\/3 ×1 .*: the replicas share a store \(redis\)/,
    },
  ])('$name', ({ before, after, store, e, pass, reason }) => {
    const v = judgeSession(
      {
        what: 'GET /session',
        before: seq(before, store),
        after: seq(after, store),
        cookies: SERVERID,
        killed: killed(1200),
      },
      e as never,
    );
    expect(v.pass).toBe(pass);
    expect(v.reason).toMatch(reason);
  });

  it('with no stickiness before the kill, a lost session is a failure before any kill', () => {
    expect(
      judgeBeforeKill(
        { what: 'GET /session', before: seq('app/1 new 1, app/2 lost 1'), cookies: ['session=abc'] },
        { session: 'lost', sticky: true },
        true,
      )?.reason,
    ).toMatch(/^the session was lost before any replica was killed: request #2 went to app\/2/);
    expect(
      judgeBeforeKill(
        { what: 'GET /session', before: seq('app/1 new 1, app/1 kept 2'), cookies: SERVERID },
        { session: 'lost', sticky: true },
        true,
      ),
    ).toBeNull();
  });

  it('says when HAProxy kept the killed replica in rotation and a request failed', () => {
    const v = judgeSession(
      {
        what: 'GET /session',
        before: seq('app/2 new 1, app/2 kept 2'),
        after: [{ status: 503, body: '', app: null, server: null }],
        cookies: SERVERID,
        killed: killed(null),
      },
      { session: 'lost', sticky: true },
    );
    expect(v.reason).toBe(
      'request #1 to GET /session after app/2 was killed (HAProxy still had it in rotation) got HTTP 503',
    );
  });
});

describe('the browser stops at the first answer the verdict cannot read on past', () => {
  const err = (status: number, session: string | null = null): HttpAnswer => ({
    status,
    body: '',
    app: null,
    server: null,
    session,
  });
  it.each([
    ['a counted answer', a('app/1 kept 2'), true],
    ['HAProxy 503 (option persist to a dead server)', err(503), false],
    ['no answer', { ...err(0), error: 'ECONNRESET' }, false],
    ['200 without X-Session', err(200), false],
    ['200 with a broken X-Session', err(200, 'gone; count=1'), false],
  ])('%s → reads on %s', (_name, answer, on) => {
    expect(readsOn(answer as HttpAnswer)).toBe(on);
  });

  it('answers after the first error never change the verdict', () => {
    const run = (after: HttpAnswer[]) =>
      judgeSession(
        {
          what: 'GET /session',
          before: seq('app/2 new 1, app/2 kept 2'),
          after,
          cookies: SERVERID,
          killed: { replica: 'app/2', outMs: 1900 },
        },
        { session: 'lost', sticky: true },
      );
    const first = [a('app/1 lost 1'), err(503)];
    expect(run([...first, a('app/3 lost 1'), err(503), a('app/3 kept 2')])).toEqual(run(first));
    expect(run(first)).toEqual({
      pass: false,
      reason: 'request #2 to GET /session after app/2 was killed (HAProxy took it out in 1.9 s) got HTTP 503',
    });
  });
});

describe('X-Session and the cookie jar', () => {
  it.each([
    ['kept; count=3', { state: 'kept', count: 3 }],
    ['new; count=1', { state: 'new', count: 1 }],
    ['gone; count=1', null],
    [null, null],
  ])('%s', (h, parsed) => expect(parseSessionHeader(h)).toEqual(parsed));

  it.each([
    { jar: undefined, set: ['session=abc', 'SERVERID=x1'], out: 'session=abc; SERVERID=x1' },
    // cookie insert without indirect sets SERVERID on every answer: the session cookie stays
    { jar: 'session=abc; SERVERID=x1', set: ['SERVERID=x2'], out: 'session=abc; SERVERID=x2' },
    { jar: 'session=abc', set: [], out: 'session=abc' },
    { jar: undefined, set: [], out: undefined },
  ])('merges $set into $jar', ({ jar, set, out }) => {
    expect(mergeCookies(jar, set)).toBe(out);
  });
  it('names the cookies', () => expect(cookieNames('session=a; SERVERID=b')).toEqual(['session', 'SERVERID']));
});
