// GET /session: a per-client counter under a cookie, kept in this process's memory or in Redis.
// The course's stateless-service point: kill the replica and only a Redis session survives.
import { randomUUID } from 'node:crypto';
import { RedisClient } from './resp.mjs';
import { onlyParams, sendJson } from './http.mjs';

export const COOKIE = 'session';
const ID = /^[A-Za-z0-9-]{1,64}$/;

/** The session id in a Cookie header, or null when there is none or it is malformed. Pure. */
export function sessionIdOf(cookieHeader = '') {
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === COOKIE) {
      const id = part.slice(eq + 1).trim();
      return ID.test(id) ? id : null;
    }
  }
  return null;
}

/**
 * new: the client had no session cookie; kept: the store knew its session; lost: the client
 * had a cookie the store did not know (another replica's memory, or a restarted one). Pure.
 */
export const sessionState = (presented, count) => (!presented ? 'new' : count > 1 ? 'kept' : 'lost');

/** Sessions in a Map, oldest dropped past `max`. */
export function memoryStore(max = 100_000) {
  const counts = new Map();
  return {
    kind: 'memory',
    where: 'this process',
    async incr(id) {
      const count = (counts.get(id) ?? 0) + 1;
      counts.delete(id);
      counts.set(id, count);
      if (counts.size > max) counts.delete(counts.keys().next().value);
      return count;
    },
    async peek(id) {
      return counts.get(id) ?? 0;
    },
    async ping() {
      return { ok: true, sessions: counts.size };
    },
  };
}

/** Sessions in Redis under whoami:session:<id>, expiring `ttlS` after their last request. */
export function redisStore(settings, ttlS = 3600) {
  const redis = new RedisClient(settings);
  const key = (id) => `whoami:session:${id}`;
  return {
    kind: 'redis',
    where: redis.where,
    async incr(id) {
      const [count] = await redis.pipeline([['INCR', key(id)], ['EXPIRE', key(id), ttlS]]);
      return count;
    },
    async peek(id) {
      return Number((await redis.command('GET', key(id))) ?? 0);
    },
    async ping() {
      try {
        return { ok: (await redis.command('PING')) === 'PONG' };
      } catch (e) {
        return { ok: false, error: e.message };
      }
    },
  };
}

/**
 * GET /session counts this client's requests; ?peek=1 reads the count without counting.
 * The X-Session header carries the state and count for clients that do not read bodies.
 */
export async function answerSession(req, res, url, store, who) {
  onlyParams(Object.fromEntries(url.searchParams), ['peek'], '/session');
  const peek = ['1', 'true'].includes(url.searchParams.get('peek') ?? '');
  const presented = sessionIdOf(req.headers.cookie);
  const id = presented ?? randomUUID();
  let count;
  try {
    count = peek ? await store.peek(id) : await store.incr(id);
  } catch (e) {
    return sendJson(res, 503, { error: `session store unavailable: ${e.message}`, store: store.kind, ...who() });
  }
  const state = peek ? (count > 0 ? 'kept' : presented ? 'lost' : 'new') : sessionState(presented !== null, count);
  const headers = { 'X-Session': `${state}; count=${count}` };
  if (!presented && !peek) headers['Set-Cookie'] = `${COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`;
  sendJson(res, 200, { session: presented || peek ? presented : id, count, state, store: store.kind, ...who() }, headers);
}
