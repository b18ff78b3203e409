import { describe, expect, it } from 'vitest';
import type { ServerDelta } from '../../src/core/haproxy-servers.ts';
import {
  SINGLE_SERVER_HINT,
  compareNames,
  judgeDistribution,
  type DistributionInput,
} from '../../src/core/verdicts.ts';

/** `_('app1=10 app2=9 app3=0:DOWN app4=0:EMPTY')` → deltas; state defaults to UP. */
const _ = (spec: string): ServerDelta[] =>
  spec
    .split(/\s+/)
    .filter(Boolean)
    .map((item) => {
      const [name = '', rest = '0'] = item.split('=');
      const [count = '0', state = 'UP'] = rest.split(':');
      return {
        name,
        served: Number(count),
        wretr: 0,
        wredis: 0,
        econ: 0,
        eresp: 0,
        state: state as ServerDelta['state'],
        status: state,
        reset: false,
      };
    });

const base: DistributionInput = {
  algorithm: 'roundrobin',
  mode: 'http',
  sticky: false,
  replicas: 3,
  deltas: [],
  requests: 30,
  failed: 0,
};
const slots = ' app4=0:EMPTY app5=0:EMPTY';

type Scenario = [
  title: string,
  input: Partial<DistributionInput> & { deltas: ServerDelta[] },
  verdict: 'PASS' | 'FAIL',
  reason: RegExp,
];
const scenarios: Scenario[] = [
  [
    'roundrobin, even',
    { deltas: _(`app1=10 app2=10 app3=10${slots}`) },
    'PASS',
    /Each of the 3 replicas served about 1\/3 of 30/,
  ],
  ['static-rr, even', { algorithm: 'static-rr', deltas: _('app1=10 app2=10 app3=10') }, 'PASS', /as static-rr should/],
  ['tcp roundrobin, even', { mode: 'tcp', deltas: _('app1=10 app2=10 app3=10') }, 'PASS', /1\/3/],
  ['roundrobin within ±20%', { deltas: _('app1=12 app2=9 app3=9') }, 'PASS', /1\/3/],
  ['roundrobin outside ±20%', { deltas: _('app1=16 app2=7 app3=7') }, 'FAIL', /not even.*app1 got 16 \(53%\)/],
  [
    'roundrobin, a tighter tolerance',
    { tolerance: 0.05, requests: 300, deltas: _('app1=110 app2=95 app3=95') },
    'FAIL',
    /not even/,
  ],
  [
    'leastconn, near even (looser)',
    { algorithm: 'leastconn', deltas: _('app1=13 app2=9 app3=8') },
    'PASS',
    /as leastconn should/,
  ],
  ['leastconn, far off', { algorithm: 'leastconn', deltas: _('app1=20 app2=5 app3=5') }, 'FAIL', /not even/],
  [
    'source, all on one',
    { algorithm: 'source', deltas: _('app1=0 app2=30 app3=0') },
    'PASS',
    /app2 took 100%.*sticky by source.*expected, not a bug/,
  ],
  [
    'source, spread',
    { algorithm: 'source', deltas: _('app1=10 app2=10 app3=10') },
    'FAIL',
    /one server to take nearly all.*several client addresses/,
  ],
  [
    'sticky cookie, all on one',
    { sticky: true, deltas: _('app1=0 app2=0 app3=30') },
    'PASS',
    /app3 took 100%.*SERVERID cookie/,
  ],
  [
    'sticky cookie, 29 of 30 (first answer set the cookie)',
    { sticky: true, deltas: _('app1=1 app2=29 app3=0') },
    'PASS',
    /app2 took 97%/,
  ],
  ['sticky cookie, spread', { sticky: true, deltas: _('app1=10 app2=10 app3=10') }, 'FAIL', /cookie jar/],
  [
    'sticky is ignored in tcp mode',
    { sticky: true, mode: 'tcp', deltas: _('app1=10 app2=10 app3=10') },
    'PASS',
    /as roundrobin should/,
  ],
  [
    'random, every server hit',
    { algorithm: 'random', deltas: _('app1=14 app2=4 app3=12') },
    'PASS',
    /Every one of the 3 replicas.*not expected to be even/,
  ],
  [
    'random, one server never hit',
    { algorithm: 'random', deltas: _('app1=20 app2=10 app3=0') },
    'FAIL',
    /app3 is UP but got none/,
  ],
  [
    'random, too few requests to judge',
    { algorithm: 'random', requests: 6, deltas: _('app1=6 app2=0 app3=0') },
    'PASS',
    /too few/,
  ],
  [
    'first, all on app1',
    { algorithm: 'first', deltas: _(`app1=30 app2=0 app3=0${slots}`) },
    'PASS',
    /app1 took 100%.*maxconn/,
  ],
  [
    'first, all on app2',
    { algorithm: 'first', deltas: _('app1=0 app2=30 app3=0') },
    'FAIL',
    /should send everything to app1/,
  ],
  [
    'first, app1 slot empty: first UP server',
    { algorithm: 'first', deltas: _('app1=0:EMPTY app2=30 app3=0 app4=0') },
    'PASS',
    /app2 took 100%/,
  ],
  [
    'roundrobin, all on one of three UP',
    { deltas: _('app1=30 app2=0 app3=0') },
    'FAIL',
    /every request \(30\) to one server, app1.*sees only one server.*server-template/,
  ],
  [
    'one server known (`server app app:80`)',
    { deltas: _('app=30') },
    'FAIL',
    /HAProxy sees only one server, app \(UP, 30 requests\), but the lab runs 3 replicas.*server-template.*resolvers/,
  ],
  [
    '2 of 3 UP',
    { deltas: _(`app1=15 app2=15 app3=0:DOWN${slots}`) },
    'FAIL',
    /Only 2 of 3 replicas are UP in HAProxy: app3 is DOWN\. A DOWN server fails its health check/,
  ],
  [
    '2 of 3 UP, as HAProxy shows a going-up server',
    { deltas: _('app1=15 app2=15 app3=0:DOWN').map((d) => (d.name === 'app3' ? { ...d, status: 'DOWN 1/2' } : d)) },
    'FAIL',
    /app3 is DOWN 1\/2/,
  ],
  [
    '2 of 3 found in DNS',
    { deltas: _(`app1=15 app2=15${slots}`) },
    'FAIL',
    /Only 2 of 3 replicas are UP in HAProxy: 1 replica without a server in HAProxy\. Every replica needs a server: `server-template` with `resolvers docker`/,
  ],
  [
    '2 of 3 UP, one in maintenance',
    { deltas: _('app1=15 app2=15 app3=0:MAINT') },
    'FAIL',
    /app3 is MAINT\. MAINT, DRAIN and NOLB are set by hand/,
  ],
  [
    'roundrobin, two idle',
    { replicas: 4, requests: 40, deltas: _('app1=20 app2=20 app3=0 app4=0') },
    'FAIL',
    /app3, app4 are UP in HAProxy but got none of 40/,
  ],
  [
    'no resolvers: ten slots, one address',
    {
      replicas: 5,
      deltas: _('app1=3 app2=3 app3=3 app4=3 app5=3 app6=3 app7=3 app8=3 app9=3 app10=3').map((d) => ({
        ...d,
        addr: '172.18.0.4:8000',
      })),
    },
    'FAIL',
    /servers app1, app2, .*app10 all send to one address, 172\.18\.0\.4:8000: only 1 replica of the lab's 5 can get traffic.*resolvers docker/,
  ],
  [
    'no resolvers: ten slots over the three replicas',
    {
      deltas: _('app1=3 app2=3 app3=3 app4=3 app5=3 app6=3 app7=3 app8=3 app9=3 app10=3').map((d, i) => ({
        ...d,
        addr: `172.18.0.${2 + (i % 3)}:8000`,
      })),
    },
    'FAIL',
    /10 servers UP for the lab's 3 replicas, and several send to one address \(app1, app4, app7, app10 → 172\.18\.0\.2:8000\).*resolvers docker/,
  ],
  [
    'two server lines, one address',
    {
      replicas: 5,
      deltas: _(`web1=15 web2=15${slots}`).map((d) => (d.state === 'UP' ? { ...d, addr: '172.18.0.3:8000' } : d)),
    },
    'FAIL',
    /web1, web2 all send to one address/,
  ],
  [
    'a stale extra replica, every address its own',
    { deltas: _('app1=8 app2=8 app3=7 app4=7').map((d, i) => ({ ...d, addr: `10.0.0.${i + 1}:8000` })) },
    'FAIL',
    /4 servers UP but the lab expects 3.*Leftover containers/,
  ],
  ['a stale extra replica', { deltas: _('app1=8 app2=8 app3=7 app4=7') }, 'FAIL', /4 servers UP but the lab expects 3/],
  [
    'client-side failures',
    { failed: 2, deltas: _('app1=10 app2=10 app3=8') },
    'FAIL',
    /2 of 30 requests failed on the client side/,
  ],
  ['HAProxy counted too little', { deltas: _('app1=5 app2=5 app3=5') }, 'FAIL', /counted only 15 of the 30 requests/],
  [
    'UP but idle under roundrobin',
    { deltas: _('app1=15 app2=15 app3=0') },
    'FAIL',
    /app3 is UP in HAProxy but got none of 30/,
  ],
  ['no requests sent', { requests: 0, deltas: _('app1=0 app2=0 app3=0') }, 'FAIL', /No requests were sent/],
  [
    'small: 3 requests, 3 servers, one each',
    { requests: 3, deltas: _('app1=1 app2=1 app3=1') },
    'PASS',
    /1\/3 of 3 requests/,
  ],
  [
    'small: 3 requests, 3 servers, 2+1+0',
    { requests: 3, deltas: _('app1=2 app2=1 app3=0') },
    'FAIL',
    /app3 is UP in HAProxy but got none/,
  ],
  [
    'small: 3 requests all on one server',
    { requests: 3, deltas: _('app1=3 app2=0 app3=0') },
    'FAIL',
    /every request \(3\) to one server/,
  ],
  [
    'small: 2 requests, 3 servers, cannot reach all',
    { requests: 2, deltas: _('app1=1 app2=1 app3=0') },
    'PASS',
    /1\/3 of 2 requests/,
  ],
  [
    'small: 1 request is no evidence of pinning',
    { requests: 1, deltas: _('app1=1 app2=0 app3=0') },
    'PASS',
    /1\/3 of 1 request,/,
  ],
  [
    'one replica',
    { replicas: 1, deltas: _(`app1=30${slots}`) },
    'PASS',
    /The only replica, app1, served all 30 requests/,
  ],
];

describe('judgeDistribution', () => {
  it.each(scenarios)('%s → %s', (_title, input, verdict, reason) => {
    const result = judgeDistribution({ ...base, ...input });
    expect({ verdict: result.verdict, reason: result.reason }).toEqual({
      verdict,
      reason: expect.stringMatching(reason),
    });
  });

  it('puts the full server-template hint in the reason', () => {
    expect(judgeDistribution({ ...base, deltas: _('app=30') }).reason).toContain(SINGLE_SERVER_HINT);
  });

  it('rows: natural order, shares of what HAProxy counted, empty slots left out unless they served', () => {
    const result = judgeDistribution({
      ...base,
      replicas: 3,
      requests: 40,
      deltas: _('app10=10 app2=10 app1=10 app3=0:EMPTY app4=10:EMPTY'),
      clientServers: { app1: 10, app2: 10, app10: 9 },
    });
    expect(result.rows).toEqual([
      { name: 'app1', requests: 10, share: 0.25, state: 'UP', client: 10 },
      { name: 'app2', requests: 10, share: 0.25, state: 'UP', client: 10 },
      { name: 'app4', requests: 10, share: 0.25, state: 'EMPTY', client: 0 },
      { name: 'app10', requests: 10, share: 0.25, state: 'UP', client: 9 },
    ]);
  });

  it.each([
    ['roundrobin', /about 1\/3 .*±20%/],
    ['leastconn', /like round robin.*±40%/],
    ['source', /one client \(one IP\) lands on one server/],
    ['random', /at least 30 requests/],
    ['first', /maxconn/],
  ] as const)('explains what %s should do', (algorithm, expectation) => {
    expect(judgeDistribution({ ...base, algorithm, deltas: _('app1=10 app2=10 app3=10') }).expectation).toMatch(
      expectation,
    );
  });

  it('compareNames sorts app2 before app10', () => {
    expect(['app10', 'app2', 'app1'].sort(compareNames)).toEqual(['app1', 'app2', 'app10']);
  });
});
