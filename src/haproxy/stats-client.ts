import { CONFIG_ID_PATH, parseServedId } from '../core/config-id.ts';
import { parseStatsCsv, StatsParseError, type StatsRow } from '../core/haproxy-stats.ts';
import { RuntimeError } from '../core/errors.ts';

/**
 * The one module that talks to HAProxy's stats endpoint (`listen stats` with `stats uri /`).
 * `;csv;norefresh` gives the CSV without the page's Refresh header.
 */
export interface StatsEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
}

export const statsUrl = (s: StatsEndpoint): string => `http://${s.host}:${s.port}/;csv;norefresh`;
export const statsPageUrl = (s: Pick<StatsEndpoint, 'host' | 'port'>): string => `http://${s.host === '127.0.0.1' ? 'localhost' : s.host}:${s.port}/`;

/** Fetch and parse the stats once. Throws RuntimeError with the reason when it can't. */
export async function readStats(s: StatsEndpoint, timeoutMs = 2000): Promise<StatsRow[]> {
  // A ref'd timer, not AbortSignal.timeout (whose timer is unref'd): when Docker's port proxy
  // accepts the connection and closes it because HAProxy does not listen yet, undici's fetch
  // waits with no socket open, nothing keeps the event loop alive, and Node exits mid-await
  // with code 13 ("unsettled top-level await") while `lab up` waits for the replicas.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  let res: Response;
  let body: string;
  try {
    try {
      // fetch refuses URLs with credentials in them (nodejs/undici#913): send the header ourselves.
      res = await fetch(statsUrl(s), {
        headers: { authorization: `Basic ${Buffer.from(`${s.user}:${s.password}`).toString('base64')}`, connection: 'close' },
        signal: abort.signal,
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      throw new RuntimeError(`HAProxy's stats endpoint ${statsPageUrl(s)} does not answer (${cause})`, {
        hint: 'Is the lab running? Try lab status, and lab logs <lab> haproxy',
      });
    }
    body = await res.text();
  } finally {
    clearTimeout(timer);
  }
  if (res.status === 401) {
    throw new RuntimeError(`HAProxy's stats endpoint refused the credentials ${s.user}:***`, { hint: 'Pass the ones the lab was started with (--stats-user, --stats-password)' });
  }
  if (!res.ok) throw new RuntimeError(`HAProxy's stats endpoint answered HTTP ${res.status}`);
  try {
    return parseStatsCsv(body);
  } catch (e) {
    if (e instanceof StatsParseError) throw new RuntimeError(e.message);
    throw e;
  }
}

/**
 * The config id HAProxy serves (see core/config-id.ts): the id, or undefined when HAProxy
 * answers without one (a file from before the rule). Throws RuntimeError when nothing answers.
 */
export async function readConfigId(s: Pick<StatsEndpoint, 'host' | 'port'>, timeoutMs = 1000): Promise<string | undefined> {
  const abort = new AbortController();
  // Ref'd, like readStats' timer (see there).
  const timer = setTimeout(() => abort.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  try {
    const res = await fetch(`http://${s.host}:${s.port}${CONFIG_ID_PATH}`, { headers: { connection: 'close' }, signal: abort.signal });
    return parseServedId(res.status, await res.text());
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
    throw new RuntimeError(`HAProxy's stats endpoint ${statsPageUrl(s)} does not answer (${cause})`);
  } finally {
    clearTimeout(timer);
  }
}
