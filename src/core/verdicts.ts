import type { Algorithm, Mode } from './lab-schema.ts';
import type { ServerDelta, ServerState } from './haproxy-stats.ts';

/** What a distribution check measured: HAProxy's per-server deltas plus what the client saw. */
export interface DistributionInput {
  algorithm: Algorithm;
  mode: Mode;
  /** Cookie persistence (http only); the caller's requests carry the cookie jar. */
  sticky: boolean;
  /** Replicas the lab expects to be running. */
  replicas: number;
  deltas: readonly ServerDelta[];
  /** Requests sent by the client. */
  requests: number;
  /** Requests that failed on the client side (errors, non-2xx). */
  failed: number;
  /** X-Served-By tally per server name (http only), shown next to HAProxy's count. */
  clientServers?: Readonly<Record<string, number>>;
  /** Allowed relative deviation from an even share; 0.2 = ±20%. */
  tolerance?: number;
}

export interface DistributionRow {
  name: string;
  /** Requests HAProxy counted for this server during the run. */
  requests: number;
  /** requests / all requests HAProxy counted, 0..1. */
  share: number;
  state: ServerState;
  /** Responses the client saw carrying this server's X-Served-By, when tallied. */
  client?: number;
}

export interface DistributionResult {
  verdict: 'PASS' | 'FAIL';
  reason: string;
  /** What this algorithm should do with the load, in one sentence. */
  expectation: string;
  rows: DistributionRow[];
}

export const DEFAULT_TOLERANCE = 0.2;
/** Share one server must reach for "all requests went to one server" (pinning algorithms). */
const PINNED_SHARE = 0.95;
/** HAProxy must have counted at least this part of what the client sent. */
const MIN_COUNTED = 0.9;
/** Never demand an even split tighter than this many requests: small runs cannot be exact. */
const MIN_SLACK = 2;

/** app2 before app10. */
export const compareNames: (a: string, b: string) => number = new Intl.Collator('en', { numeric: true }).compare;

export const SINGLE_SERVER_HINT =
  'A line like `server app app:80` is resolved once at start-up, so HAProxy ' +
  'knows the address of a single replica; use `server-template` with a `resolvers` section pointing at ' +
  "Docker's DNS (127.0.0.11) so every replica gets its own slot.";

const pct = (x: number) => `${Math.round(x * 100)}%`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const list = (names: readonly string[]) => names.join(', ');
const isAre = (names: readonly string[]) => `${list(names)} ${names.length === 1 ? 'is' : 'are'}`;

function expectationFor(i: DistributionInput, tolerance: number, sticky: boolean): string {
  const n = i.replicas;
  if (n === 1 && !sticky) return `${i.algorithm} with a single replica: it gets every request.`;
  if (sticky) return 'Sticky sessions: the client keeps its SERVERID cookie, so every request goes to the one server that set it.';
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

/** Judge how HAProxy spread the load, with a reason a student can act on. */
export function judgeDistribution(input: DistributionInput): DistributionResult {
  const tolerance = input.tolerance ?? DEFAULT_TOLERANCE;
  // Cookies are an HTTP feature: in tcp mode `sticky` cannot apply, so the algorithm decides.
  const sticky = input.sticky && input.mode === 'http';
  const expectation = expectationFor(input, tolerance, sticky);
  const counted = input.deltas.reduce((a, d) => a + d.served, 0);
  const rows: DistributionRow[] = input.deltas
    // An EMPTY slot has no replica; show it only if it served during the run (scaled down mid-way).
    .filter((d) => d.state !== 'EMPTY' || d.served > 0)
    .map((d) => ({
      name: d.name,
      requests: d.served,
      share: counted > 0 ? d.served / counted : 0,
      state: d.state,
      ...(input.clientServers ? { client: input.clientServers[d.name] ?? 0 } : {}),
    }))
    .sort((a, b) => compareNames(a.name, b.name));
  const done = (verdict: 'PASS' | 'FAIL', reason: string): DistributionResult => ({ verdict, reason, expectation, rows });
  const fail = (reason: string) => done('FAIL', reason);

  const up = rows.filter((r) => r.state === 'UP');
  const busiest = rows.reduce<DistributionRow | undefined>((a, r) => (a === undefined || r.requests > a.requests ? r : a), undefined);
  const pinned = busiest !== undefined && counted > 0 && busiest.share >= PINNED_SHARE;
  const pinning = sticky || input.algorithm === 'source' || input.algorithm === 'first';

  if (input.requests <= 0) return fail('No requests were sent, so there is nothing to judge.');

  // HAProxy knows a single server for several replicas: the classic `server app app:80` mistake.
  const known = rows.filter((r) => r.state !== 'EMPTY');
  if (known.length <= 1 && input.replicas > 1) {
    const only = known[0];
    const what = only === undefined ? 'no server at all' : `only one server, ${only.name} (${only.state}, ${plural(only.requests, 'request')})`;
    return fail(`HAProxy sees ${what}, but the lab runs ${input.replicas} replicas. ${SINGLE_SERVER_HINT}`);
  }

  if (up.length < input.replicas) {
    const status = new Map(input.deltas.map((d) => [d.name, d.status]));
    const notUp = known.filter((r) => r.state !== 'UP');
    const missing = input.replicas - known.length;
    const details = [
      ...notUp.map((r) => `${r.name} is ${status.get(r.name) ?? r.state}`),
      ...(missing > 0 ? [`${plural(missing, 'replica')} not found in DNS`] : []),
    ];
    const hints = [
      ...(notUp.some((r) => r.state === 'DOWN') ? ["A DOWN server fails its health check: see check_status on the stats page and the replica's logs."] : []),
      ...(notUp.some((r) => r.state !== 'DOWN') ? ['MAINT, DRAIN and NOLB are set by hand (stats page or runtime API): set the server back to READY.'] : []),
      ...(missing > 0 ? ['New replicas appear within a few seconds of starting; check `lab status`.'] : []),
    ];
    return fail(`Only ${up.length} of ${input.replicas} replicas are UP in HAProxy: ${list(details)}. ${hints.join(' ')}`);
  }
  if (up.length > input.replicas) {
    return fail(
      `HAProxy has ${up.length} servers UP but the lab expects ${input.replicas} replicas: ${list(up.map((r) => r.name))}. ` +
        'Leftover containers from an earlier run share the service name; stop them (`lab down`) and retry.',
    );
  }

  if (input.failed > 0) {
    return fail(
      `${input.failed} of ${input.requests} requests failed on the client side; a distribution check needs every request to succeed. ` +
        'Look at the failing servers on the stats page (econ, eresp, 5xx).',
    );
  }
  if (counted < MIN_COUNTED * input.requests) {
    return fail(
      `HAProxy counted only ${counted} of the ${input.requests} requests sent to the backend. ` +
        'Were the requests sent to another port, or did HAProxy reload during the run (its counters restart at 0)?',
    );
  }

  // Several servers UP, yet one took everything: HAProxy effectively sees only that one.
  const enoughToSpread = input.algorithm === 'random' ? counted >= 10 * input.replicas : counted >= 2;
  if (!pinning && input.replicas > 1 && enoughToSpread && busiest !== undefined && busiest.requests === counted) {
    return fail(
      `HAProxy sent every request (${counted}) to one server, ${busiest.name}, although ${input.algorithm} should spread them over ` +
        `${input.replicas} replicas, as if it sees only one server. Check the other servers' weight on the stats page; ` +
        'with `server app app:80` instead of `server-template` + `resolvers`, HAProxy resolves the name once and keeps one replica.',
    );
  }

  if (pinning) {
    const first = up.map((r) => r.name).sort(compareNames)[0];
    const why = sticky
      ? 'the client kept its SERVERID cookie, which names the server that answered first'
      : input.algorithm === 'source'
        ? 'source hashing pins one client IP to one server ("sticky by source")'
        : 'first fills the first server up to its maxconn, and sequential load never fills it';
    if (!pinned) {
      const cause = sticky
        ? 'Either the client dropped the cookie (no cookie jar?) or HAProxy is not inserting it (`cookie SERVERID insert` in the backend).'
        : input.algorithm === 'source'
          ? 'Did the requests come from several client addresses (a proxy, IPv4 and IPv6)?'
          : 'Concurrent load can fill maxconn and spill over; send the requests one at a time.';
      return fail(`Expected one server to take nearly all requests because ${why}, but the busiest, ${busiest?.name ?? 'none'}, took only ${pct(busiest?.share ?? 0)}. ${cause}`);
    }
    if (input.algorithm === 'first' && !sticky && busiest.name !== first) {
      return fail(`first should send everything to ${first}, the first server that is UP, but ${busiest.name} took ${pct(busiest.share)}.`);
    }
    const fine = sticky || input.algorithm === 'source' ? ' This is expected, not a bug.' : '';
    return done('PASS', `${busiest.name} took ${pct(busiest.share)} of ${plural(counted, 'request')}: ${why}.${fine}`);
  }

  // Spreading algorithms from here on: roundrobin, static-rr, leastconn, random.
  const everyServed = counted >= input.replicas; // fewer requests than replicas cannot reach them all
  const idle = up.filter((r) => r.requests === 0);
  if (input.algorithm === 'random') {
    if (counted < 10 * input.replicas) {
      return done('PASS', `${counted} requests are too few to expect random to reach every replica (send at least ${10 * input.replicas}); nothing looked wrong.`);
    }
    if (idle.length > 0) return fail(`${isAre(idle.map((r) => r.name))} UP but got none of ${counted} requests; random should reach every replica with this many requests.`);
    return done('PASS', `Every one of the ${input.replicas} replicas served requests; random shares are not expected to be even.`);
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
    return fail(`The load is not even: about ${Math.round(even)} requests each (1/${up.length}) were expected, but ${detail}. Are weights set, or did another client send traffic at the same time?`);
  }
  if (up.length === 1) return done('PASS', `The only replica, ${up[0]?.name}, served all ${plural(counted, 'request')}.`);
  return done('PASS', `Each of the ${up.length} replicas served about 1/${up.length} of ${plural(counted, 'request')}, as ${input.algorithm} should.`);
}
