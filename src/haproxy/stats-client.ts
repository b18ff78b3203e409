import { request } from 'node:http';
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

const statsUrl = (s: StatsEndpoint): string => `http://${s.host}:${s.port}/;csv;norefresh`;
export const statsPageUrl = (s: Pick<StatsEndpoint, 'host' | 'port'>): string =>
  `http://${s.host === '127.0.0.1' ? 'localhost' : s.host}:${s.port}/`;

/** Fetch and parse the stats once. Throws RuntimeError with the reason when it can't. */
export async function readStats(s: StatsEndpoint, timeoutMs = 2000): Promise<StatsRow[]> {
  let res: { status: number; body: string };
  try {
    res = await get(
      statsUrl(s),
      { authorization: `Basic ${Buffer.from(`${s.user}:${s.password}`).toString('base64')}` },
      timeoutMs,
    );
  } catch (e) {
    throw new RuntimeError(
      `HAProxy's stats endpoint ${statsPageUrl(s)} does not answer (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      {
        hint: 'Is the lab running? Try lab status, and lab logs <lab> haproxy',
      },
    );
  }
  if (res.status === 401) {
    throw new RuntimeError(`HAProxy's stats endpoint refused the credentials ${s.user}:***`, {
      hint: 'Pass the ones the lab was started with (--stats-user, --stats-password)',
    });
  }
  if (res.status < 200 || res.status > 299)
    throw new RuntimeError(`HAProxy's stats endpoint answered HTTP ${res.status}`);
  try {
    return parseStatsCsv(res.body);
  } catch (e) {
    if (e instanceof StatsParseError) throw new RuntimeError(e.message);
    throw e;
  }
}

/**
 * The config id HAProxy serves (see core/config-id.ts): the id, or undefined when HAProxy
 * answers without one (a file from before the rule). Throws RuntimeError when nothing answers.
 */
export async function readConfigId(
  s: Pick<StatsEndpoint, 'host' | 'port'>,
  timeoutMs = 1000,
): Promise<string | undefined> {
  let res: { status: number; body: string };
  try {
    res = await get(`http://${s.host}:${s.port}${CONFIG_ID_PATH}`, {}, timeoutMs);
  } catch (e) {
    throw new RuntimeError(
      `HAProxy's stats endpoint ${statsPageUrl(s)} does not answer (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return parseServedId(res.status, res.body);
}

/**
 * One GET on a connection of its own, through node:http rather than fetch: the first fetch of
 * a process loads undici, 40 ms of CPU on every command that reads the stats once (measured
 * here). The whole exchange, body included, must end within `timeoutMs`; the open socket and
 * the ref'd timer keep the event loop alive meanwhile (with undici, Docker's port proxy closing
 * a connection before HAProxy listened left nothing that did, and Node exited mid-await).
 */
function get(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { ...headers, connection: 'close' }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', fail);
    });
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'TimeoutError' })),
      timeoutMs,
    );
    function fail(e: Error): void {
      clearTimeout(timer);
      reject(e);
    }
    req.on('error', fail);
    req.end();
  });
}
