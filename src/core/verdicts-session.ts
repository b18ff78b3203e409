import { type HttpAnswer, identity, type Verdict } from './verdicts-http.ts';

/**
 * The session check's verdicts, from what one browser saw at the demo app's /session (it counts
 * the browser's requests under a `session` cookie and says in X-Session whether its store knew
 * the session: new, kept or lost; compose/whoami/lib/session.mjs). Pure.
 *
 * `before`: the requests before any kill; `after`: the same browser's requests once the replica
 * that answered its last request was killed and HAProxy had taken it out of rotation.
 */
export interface SessionExpect {
  /** kept: every request after the first found its session; lost: at least one did not (after the kill, when there is one). */
  session: 'kept' | 'lost';
  /** Before the kill, the browser stayed on one replica (true) or reached several (false). */
  sticky?: boolean | undefined;
  /** The service (X-App) that must answer. */
  service?: string | undefined;
}

export interface SessionRun {
  /** For reports: "GET /session (X-Backend: sticky)". */
  what: string;
  before: readonly HttpAnswer[];
  /** Present when a replica was killed. */
  after?: readonly HttpAnswer[] | undefined;
  /** The replica killed (service/replica) and ms from the kill until HAProxy had it out of rotation (null: it never did). */
  killed?: { replica: string; outMs: number | null } | undefined;
  /** The cookies the browser holds, as name=value, in the order it got them. */
  cookies: readonly string[];
}

interface Seen {
  replica: string;
  state: string;
  count: number;
  store: string | null;
}

/** X-Session: "<state>; count=<n>". */
export function parseSessionHeader(h: string | null | undefined): { state: string; count: number } | null {
  const m = /^\s*(new|kept|lost)\s*;\s*count=(\d+)\s*$/.exec(h ?? '');
  return m ? { state: m[1]!, count: Number(m[2]) } : null;
}

/**
 * Whether the verdict reads on past this answer: a 200 with an X-Session header. read() judges the
 * first answer that is not, and nothing after it counts, so the check stops browsing there (six
 * requests to a dead server cost 4 s each with lab's retries).
 */
export const readsOn = (a: HttpAnswer): boolean => a.status === 200 && parseSessionHeader(a.session) !== null;

/** Who answered: service/replica from X-App, else HAProxy's server name. */
const replicaOf = (a: HttpAnswer): string => {
  const id = identity(a.app);
  return id.service ? `${id.service}/${id.replica ?? '?'}` : (a.server ?? 'unknown');
};

const storeOf = (a: HttpAnswer): string | null => {
  try {
    const s = (JSON.parse(a.body) as { store?: unknown }).store;
    return typeof s === 'string' ? s : null;
  } catch {
    return null;
  }
};

const errorOf = (a: HttpAnswer): string => {
  if (a.status === 0) return `no answer (${a.error ?? 'no response'})`;
  try {
    const e = (JSON.parse(a.body) as { error?: unknown }).error;
    if (typeof e === 'string') return `HTTP ${a.status}: ${e}`;
  } catch {
    // not the app's JSON: HAProxy's own error page
  }
  return `HTTP ${a.status}`;
};

const tally = (values: readonly string[]): string => {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, n]) => `${v} ×${n}`).join(', ');
};

/** "app/1 new 1, app/2 lost 1, app/1 kept 2": each request's replica, session state and count. */
const story = (seen: readonly Seen[]): string => seen.map((s) => `${s.replica} ${s.state} ${s.count}`).join(', ');

/** The demo app's own cookie (compose/whoami/lib/session.mjs COOKIE). */
const APP_COOKIE = 'session';
const nameOf = (pair: string) => pair.slice(0, Math.max(0, pair.indexOf('='))) || pair;
const cookieList = (cookies: readonly string[]) => (cookies.length ? cookies.map(nameOf).join(', ') : 'none');
/**
 * A cookie HAProxy set for stickiness: one the app does not set (cookie SERVERID insert), or the
 * app's own with HAProxy's server prefix (cookie session prefix gives session=<server>~<id>).
 */
const haproxyCookie = (cookies: readonly string[]) =>
  cookies.some((pair) => nameOf(pair) !== APP_COOKIE || pair.slice(APP_COOKIE.length + 1).includes('~'));

/** The answers as seen sessions, or why they can't be judged (an error, no X-Session). */
function read(answers: readonly HttpAnswer[], what: string, when: string): Seen[] | Verdict {
  const seen: Seen[] = [];
  for (const [i, a] of answers.entries()) {
    if (a.status !== 200)
      return {
        pass: false,
        reason: `request #${i + 1} to ${what}${when} got ${errorOf(a)}${a.app ? ` from ${replicaOf(a)}` : ''}`,
      };
    const h = parseSessionHeader(a.session);
    if (!h)
      return {
        pass: false,
        reason: `request #${i + 1} to ${what}${when} was answered by ${replicaOf(a)} without an X-Session header: it did not reach the demo app's /session`,
      };
    seen.push({ replica: replicaOf(a), ...h, store: storeOf(a) });
  }
  return seen;
}

const isVerdict = (x: Seen[] | Verdict): x is Verdict => !Array.isArray(x);
const stores = (seen: readonly Seen[]) => [...new Set(seen.map((s) => s.store ?? 'unknown'))].join(', ');

/**
 * The requests before any kill: an answer to each, from the expected service, sticky or spread as
 * expected, and, when a kill follows, the session kept so far (else the kill would prove nothing).
 * With no kill, the whole verdict. Returns null when a kill may follow.
 */
export function judgeBeforeKill(run: SessionRun, expect: SessionExpect, killFollows: boolean): Verdict | null {
  const seen = read(run.before, run.what, killFollows ? ' (before the kill)' : '');
  if (isVerdict(seen)) return seen;
  const n = seen.length;
  const replicas = [...new Set(seen.map((s) => s.replica))];
  const failures: string[] = [];
  if (expect.service !== undefined) {
    const services = seen.map((s) => s.replica.split('/')[0]!);
    if (services.some((s) => s !== expect.service))
      failures.push(
        `the requests were answered by ${tally(services.map((s) => `service ${s}`))}, expected service ${expect.service}: check which backend your frontend sends them to, and that its server lines name ${expect.service} (server-template … ${expect.service}:<port>)`,
      );
  }
  const later = seen.slice(1);
  const lostAt = later.findIndex((s) => s.state !== 'kept');
  const sessionKept = lostAt < 0;
  const own = cookieList(run.cookies);
  if (killFollows || expect.session === 'kept') {
    if (!sessionKept) {
      const lost = later[lostAt]!;
      failures.push(
        `the session was lost${killFollows ? ' before any replica was killed' : ''}: request #${lostAt + 2} went to ${lost.replica}, whose ${lost.store ?? 'session'} store did not know it (${story(seen)})`,
      );
    }
  } else if (sessionKept) {
    failures.push(
      `the session was kept by all ${n} requests (${story(seen)})${replicas.length === 1 ? `: every one went to ${replicas[0]}, whose memory holds it` : ` in the ${stores(seen)} store the replicas share`}`,
    );
  }
  const ownCookie = haproxyCookie(run.cookies);
  if (expect.sticky === true && replicas.length > 1) {
    failures.push(
      `the ${n} requests went to ${replicas.length} replicas (${tally(seen.map((s) => s.replica))}) although the browser sent back every cookie it was given (${own}): ${ownCookie ? 'HAProxy did not route by its cookie: does each server have a cookie value (cookie <name> insert … dynamic with dynamic-cookie-key, or cookie on each server)?' : 'HAProxy set no cookie of its own, so nothing keeps the browser on one server: cookie <name> insert on the backend, with a value per server'}`,
    );
  } else if (expect.sticky === true && n > 1 && !ownCookie) {
    failures.push(
      `all ${n} requests went to ${replicas[0]}, but HAProxy set no cookie of its own (cookies: ${own}): something else kept them on one replica (a backend with a single server, balance source, a stick table?); cookie stickiness is HAProxy naming the server in a cookie: cookie <name> insert on the backend`,
    );
  }
  if (expect.sticky === false && replicas.length === 1 && n > 1) {
    failures.push(
      `all ${n} requests went to ${replicas[0]} (cookies: ${own}): something keeps this browser on one replica (stickiness, or a backend with a single server), and this check expects it to reach several`,
    );
  }
  if (failures.length) return { pass: false, reason: failures.join('; ') };
  if (killFollows) return null;
  const where =
    replicas.length === 1
      ? `all on ${replicas[0]}`
      : `over ${replicas.length} replicas (${tally(seen.map((s) => s.replica))})`;
  return {
    pass: true,
    reason:
      expect.session === 'kept'
        ? `the session was kept: ${n} requests counted 1 to ${seen[n - 1]!.count}, ${where}, store ${stores(seen)} (cookies: ${own})`
        : `the session was lost: request #${lostAt + 2} went to ${later[lostAt]!.replica}, which did not know it (${story(seen)}); each replica keeps sessions in its own ${stores(seen)}`,
  };
}

/** The whole run with a kill: did the session survive the replica that held it? */
export function judgeSession(run: SessionRun, expect: SessionExpect): Verdict {
  const first = judgeBeforeKill(run, expect, run.killed !== undefined);
  if (first || !run.killed) return first ?? { pass: false, reason: 'nothing was judged' };
  const { replica, outMs } = run.killed;
  const before = read(run.before, run.what, '') as Seen[];
  const held = `${replica}, which held the session (count ${before[before.length - 1]?.count ?? 0})`;
  const out =
    outMs === null ? 'HAProxy still had it in rotation' : `HAProxy took it out in ${(outMs / 1000).toFixed(1)} s`;
  const after = read(run.after ?? [], run.what, ` after ${replica} was killed (${out})`);
  if (isVerdict(after)) return after;
  if (!after.length) return { pass: false, reason: `no request was sent after ${replica} was killed` };
  const lostAt = after.findIndex((s) => s.state !== 'kept');
  const whole = `before: ${story(before)}; after: ${story(after)}`;
  if (expect.session === 'kept') {
    if (lostAt >= 0) {
      const s = after[lostAt]!;
      return {
        pass: false,
        reason: `killed ${held}; ${out}, then request #${lostAt + 1} went to ${s.replica}, whose ${s.store ?? 'session'} store did not know it (${whole}): a session kept in one replica's memory dies with it; keep it in a store every replica shares`,
      };
    }
    return {
      pass: true,
      reason: `killed ${held}; ${out}, and the session survived: ${after.length} more requests on ${tally(after.map((s) => s.replica))} counted on to ${after[after.length - 1]!.count}, store ${stores(after)} (${whole})`,
    };
  }
  if (lostAt < 0) {
    return {
      pass: false,
      reason: `killed ${held}; ${out}, yet the session survived on ${tally(after.map((s) => s.replica))} (${whole}): the replicas share a store (${stores(after)}), so this is not the memory-only app`,
    };
  }
  const s = after[lostAt]!;
  return {
    pass: true,
    reason: `killed ${held}; ${out}, then request #${lostAt + 1} went to ${s.replica}, which did not know the session (count back to ${s.count}): stickiness cannot save a session kept in the memory of a replica that died (${whole})`,
  };
}
