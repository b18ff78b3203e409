import {
  compareNames,
  isAre,
  list,
  pct,
  plural,
  type DistributionInput,
  type DistributionResult,
  type DistributionRow,
} from './verdict-parts.ts';

/** Never demand an even split tighter than this many requests: small runs cannot be exact. */
const MIN_SLACK = 2;

/** What the algorithm should do with the load, in one sentence a student reads before the verdict. */
export function expectationFor(i: DistributionInput, tolerance: number, sticky: boolean): string {
  const n = i.replicas;
  if (n === 1 && !sticky) return `${i.algorithm} with a single replica: it gets every request.`;
  if (sticky)
    return 'Sticky sessions: the client keeps its SERVERID cookie, so every request goes to the one server that set it.';
  switch (i.algorithm) {
    case 'roundrobin':
    case 'static-rr':
      return `${i.algorithm}: each of the ${n} replicas takes its turn, so each gets about 1/${n} of the requests (±${pct(tolerance)}).`;
    case 'leastconn':
      return `leastconn: with light load every server has the same number of connections, so it behaves like round robin; each of the ${n} replicas gets about 1/${n} (±${pct(tolerance * 2)}).`;
    case 'source':
      return 'source: the client IP is hashed to pick a server, so one client (one IP) lands on one server for every request.';
    case 'random':
      return `random: servers are picked at random, so shares are uneven, but with at least ${10 * n} requests every replica gets some.`;
    case 'first':
      return 'first: the first server takes every connection until its maxconn is full; sequential load never fills it, so it all goes to the first server.';
  }
}

/** The facts judgeDistribution has gathered once the servers, the counts and the failures are fine. */
export interface Spread {
  input: DistributionInput;
  sticky: boolean;
  tolerance: number;
  counted: number;
  up: DistributionRow[];
  busiest: DistributionRow | undefined;
  pinned: boolean;
  done: (verdict: 'PASS' | 'FAIL', reason: string) => DistributionResult;
}

/** Sticky sessions, source and first: one server should take nearly everything. */
export function judgePinned({ input, sticky, counted, up, busiest, pinned, done }: Spread): DistributionResult {
  const fail = (reason: string) => done('FAIL', reason);
  const first = up.map((r) => r.name).sort(compareNames)[0];
  const why = sticky
    ? 'the client kept its SERVERID cookie, which names the server that answered first'
    : input.algorithm === 'source'
      ? 'source hashing pins one client IP to one server ("sticky by source")'
      : 'first fills the first server up to its maxconn, and sequential load never fills it';
  if (!pinned || !busiest) {
    const cause = sticky
      ? 'Either the client dropped the cookie (no cookie jar?) or HAProxy is not inserting it (`cookie SERVERID insert` in the backend).'
      : input.algorithm === 'source'
        ? 'Did the requests come from several client addresses (a proxy, IPv4 and IPv6)?'
        : 'Concurrent load can fill maxconn and spill over; send the requests one at a time.';
    return fail(
      `Expected one server to take nearly all requests because ${why}, but the busiest, ${busiest?.name ?? 'none'}, took only ${pct(busiest?.share ?? 0)}. ${cause}`,
    );
  }
  if (input.algorithm === 'first' && !sticky && busiest.name !== first) {
    return fail(
      `first should send everything to ${first}, the first server that is UP, but ${busiest.name} took ${pct(busiest.share)}.`,
    );
  }
  const fine = sticky || input.algorithm === 'source' ? ' This is expected, not a bug.' : '';
  return done('PASS', `${busiest.name} took ${pct(busiest.share)} of ${plural(counted, 'request')}: ${why}.${fine}`);
}

/** roundrobin, static-rr, leastconn, random: every replica should get its share. */
export function judgeSpread({ input, tolerance, counted, up, done }: Spread): DistributionResult {
  const fail = (reason: string) => done('FAIL', reason);
  const everyServed = counted >= input.replicas; // fewer requests than replicas cannot reach them all
  const idle = up.filter((r) => r.requests === 0);
  if (input.algorithm === 'random') {
    if (counted < 10 * input.replicas) {
      return done(
        'PASS',
        `${counted} requests are too few to expect random to reach every replica (send at least ${10 * input.replicas}); nothing looked wrong.`,
      );
    }
    if (idle.length > 0)
      return fail(
        `${isAre(idle.map((r) => r.name))} UP but got none of ${counted} requests; random should reach every replica with this many requests.`,
      );
    return done(
      'PASS',
      `Every one of the ${input.replicas} replicas served requests; random shares are not expected to be even.`,
    );
  }
  if (everyServed && idle.length > 0) {
    return fail(
      `${isAre(idle.map((r) => r.name))} UP in HAProxy but got none of ${counted} requests, while ${input.algorithm} gives every server its turn. ` +
        'It may have come UP only after the load finished, or its weight is 0.',
    );
  }
  const allowedRel = input.algorithm === 'leastconn' ? tolerance * 2 : tolerance;
  const even = counted / up.length;
  const slack = Math.max(allowedRel * even, MIN_SLACK);
  const uneven = up.filter((r) => Math.abs(r.requests - even) > slack);
  if (uneven.length > 0) {
    const detail = list(uneven.map((r) => `${r.name} got ${r.requests} (${pct(r.share)})`));
    return fail(
      `The load is not even: about ${Math.round(even)} requests each (1/${up.length}) were expected, but ${detail}. Are weights set, or did another client send traffic at the same time?`,
    );
  }
  if (up.length === 1)
    return done('PASS', `The only replica, ${up[0]?.name}, served all ${plural(counted, 'request')}.`);
  return done(
    'PASS',
    `Each of the ${up.length} replicas served about 1/${up.length} of ${plural(counted, 'request')}, as ${input.algorithm} should.`,
  );
}
