import {
  compareNames,
  list,
  plural,
  type DistributionInput,
  type DistributionResult,
  type DistributionRow,
} from './verdict-parts.ts';
import { expectationFor, judgePinned, judgeSpread } from './verdicts-by-algorithm.ts';

export { compareNames, type DistributionInput, type DistributionResult } from './verdict-parts.ts';

const DEFAULT_TOLERANCE = 0.2;
/** Share one server must reach for "all requests went to one server" (pinning algorithms). */
const PINNED_SHARE = 0.95;
/** HAProxy must have counted at least this part of what the client sent. */
const MIN_COUNTED = 0.9;
export const SINGLE_SERVER_HINT =
  'A line like `server app app:80` is resolved once at start-up, so HAProxy ' +
  'knows the address of a single replica; use `server-template` with a `resolvers` section pointing at ' +
  "Docker's DNS (127.0.0.11) so every replica gets its own slot.";

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
  const done = (verdict: 'PASS' | 'FAIL', reason: string): DistributionResult => ({
    verdict,
    reason,
    expectation,
    rows,
  });
  const fail = (reason: string) => done('FAIL', reason);

  const up = rows.filter((r) => r.state === 'UP');
  const busiest = rows.reduce<DistributionRow | undefined>(
    (a, r) => (a === undefined || r.requests > a.requests ? r : a),
    undefined,
  );
  const pinned = busiest !== undefined && counted > 0 && busiest.share >= PINNED_SHARE;
  const pinning = sticky || input.algorithm === 'source' || input.algorithm === 'first';

  if (input.requests <= 0) return fail('No requests were sent, so there is nothing to judge.');

  // HAProxy knows a single server for several replicas: the classic `server app app:80` mistake.
  const known = rows.filter((r) => r.state !== 'EMPTY');
  if (known.length <= 1 && input.replicas > 1) {
    const only = known[0];
    const what =
      only === undefined
        ? 'no server at all'
        : `only one server, ${only.name} (${only.state}, ${plural(only.requests, 'request')})`;
    return fail(`HAProxy sees ${what}, but the lab runs ${input.replicas} replicas. ${SINGLE_SERVER_HINT}`);
  }

  // Several servers, one address: the name was resolved once, at start-up (a server-template
  // without `resolvers`, or several server lines naming the service), so one replica takes all.
  const byAddr = new Map<string, string[]>();
  for (const d of input.deltas)
    if (d.state !== 'EMPTY' && d.addr) byAddr.set(d.addr, [...(byAddr.get(d.addr) ?? []), d.name]);
  const [addr, shared] = [...byAddr].find(([, names]) => names.length > 1) ?? [];
  if (shared && byAddr.size < input.replicas) {
    return fail(
      `HAProxy's servers ${list(shared.sort(compareNames))} all send to one address, ${addr}: only ${plural(byAddr.size, 'replica')} of the lab's ${input.replicas} can get traffic. ` +
        'A name is resolved once, at start-up, unless its servers use a `resolvers` section: use `server-template` with `resolvers docker` so every replica gets its own slot.',
    );
  }

  if (up.length < input.replicas) {
    const status = new Map(input.deltas.map((d) => [d.name, d.status]));
    const notUp = known.filter((r) => r.state !== 'UP');
    const missing = input.replicas - known.length;
    const details = [
      ...notUp.map((r) => `${r.name} is ${status.get(r.name) ?? r.state}`),
      ...(missing > 0 ? [`${plural(missing, 'replica')} without a server in HAProxy`] : []),
    ];
    const hints = [
      ...(notUp.some((r) => r.state === 'DOWN')
        ? ["A DOWN server fails its health check: see check_status on the stats page and the replica's logs."]
        : []),
      ...(notUp.some((r) => r.state !== 'DOWN')
        ? ['MAINT, DRAIN and NOLB are set by hand (stats page or runtime API): set the server back to READY.']
        : []),
      ...(missing > 0
        ? [
            'Every replica needs a server: `server-template` with `resolvers docker` gives each one a slot within a few seconds of its start (see `lab status`).',
          ]
        : []),
    ];
    return fail(
      `Only ${up.length} of ${input.replicas} replicas are UP in HAProxy: ${list(details)}. ${hints.join(' ')}`,
    );
  }
  if (up.length > input.replicas && shared) {
    return fail(
      `HAProxy has ${up.length} servers UP for the lab's ${input.replicas} replicas, and several send to one address (${list(shared.sort(compareNames))} → ${addr}): ` +
        'each server resolved the name once, at start-up, and a replica got as many servers as its address came up. Use `server-template` with `resolvers docker`: one slot per replica, kept up to date.',
    );
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

  const spread = { input, sticky, tolerance, counted, up, busiest, pinned, done };
  return pinning ? judgePinned(spread) : judgeSpread(spread);
}

/**
 * A distribution that must reach at least `want` servers (a check like traffic-reaches-all-five):
 * the spread verdict judges against the replicas lab started, so 3 replicas spread evenly pass it
 * unless the servers that took traffic are counted too. HAProxy's servers are not replicas: five
 * `server` lines, or server-template without resolvers, are resolved once at start-up and may all
 * hold the same few addresses, five servers UP and spread evenly while replicas go unreached. So
 * when the client saw who answered (`replicasAnswered`, the app's X-App identities), those count
 * too. Pure.
 */
export function judgeServersReached(
  result: DistributionResult,
  want: number | undefined,
  replicasAnswered: readonly string[] = [],
): DistributionResult {
  if (want === undefined || result.verdict === 'FAIL') return result;
  const reached = result.rows.filter((r) => r.requests > 0).length;
  if (reached < want) {
    return {
      ...result,
      verdict: 'FAIL',
      reason: `Traffic reached ${reached} server(s), but this check wants at least ${want}: ${list(result.rows.filter((r) => r.requests > 0).map((r) => r.name))}. Are there ${want} replicas (lab scale), and a server slot for each?`,
    };
  }
  const replicas = [...new Set(replicasAnswered)].sort(compareNames);
  if (replicas.length > 0 && replicas.length < want) {
    return {
      ...result,
      verdict: 'FAIL',
      reason:
        `${reached} servers took traffic, but only ${replicas.length} replica(s) answered (${list(replicas)}); this check wants at least ${want}: ` +
        "several of HAProxy's servers hold the same replica's address. A server line, or server-template without resolvers, is resolved once at start-up; " +
        'use server-template with the resolvers docker, so each replica gets a slot of its own and a new one joins.',
    };
  }
  const answered = replicas.length ? ` and ${replicas.length} replicas answered` : '';
  return {
    ...result,
    reason: `${result.reason} ${reached} servers took traffic${answered} (at least ${want} wanted).`,
  };
}
