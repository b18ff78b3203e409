// The app's settings: environment variables, checked (README.md lists them).
import { badName } from './identity.mjs';
import { parseRedisUrl } from './resp.mjs';
import { memoryStore, redisStore } from './session.mjs';

/** The app's settings from the environment, with every thing wrong with them in `errors`. */
export function settings(env) {
  const errors = [];
  const port = (name, fallback) => {
    const value = env[name] || fallback;
    if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) errors.push(`${name} must be a port number from 0 to 65535 (got ${JSON.stringify(value)})`);
    return Number(value);
  };
  const service = env.SERVICE || null;
  const version = env.VERSION || 'v1';
  for (const [what, value] of [['SERVICE', service], ['VERSION', version]]) {
    const bad = value !== null && badName(what, value);
    if (bad) errors.push(bad);
  }
  const redis = env.REDIS_URL ? parseRedisUrl(env.REDIS_URL) : null;
  if (redis instanceof Error) errors.push(redis.message);
  const threads = Number(env.THREADS || 1);
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) errors.push(`THREADS must be an integer from 1 to 64 (got ${JSON.stringify(env.THREADS)})`);
  const ttl = Number(env.SESSION_TTL || 3600);
  if (!Number.isInteger(ttl) || ttl < 1) errors.push(`SESSION_TTL must be a whole number of seconds (got ${JSON.stringify(env.SESSION_TTL)})`);
  const delay = Number(env.STARTUP_DELAY_MS || 0);
  if (!/^\d{1,5}$/.test(env.STARTUP_DELAY_MS || '0') || delay > 60_000) errors.push(`STARTUP_DELAY_MS must be a whole number of milliseconds from 0 to 60000 (got ${JSON.stringify(env.STARTUP_DELAY_MS)})`);
  const mainPort = port('PORT', '8000');
  // PORT=0 (a free port, for tests) makes the control port's default a free port too.
  const control = env.CONTROL_PORT === 'off' ? null : port('CONTROL_PORT', mainPort === 0 ? '0' : '8001');
  if (control !== null && control !== 0 && control === mainPort) errors.push(`CONTROL_PORT must differ from PORT (both ${mainPort}): the main port never exposes control`);
  return {
    errors,
    port: mainPort,
    controlPort: control,
    service,
    version,
    replica: /^\d+$/.test(env.REPLICA ?? '') ? Number(env.REPLICA) : null,
    store: redis && !(redis instanceof Error) ? redisStore(redis, ttl) : memoryStore(),
    threads,
    startupDelayMs: delay,
  };
}
