import { Agent, request } from 'node:http';
import { mergeCookies } from '../core/cookie-jar.ts';
import type { HttpAnswer } from '../core/verdicts-http.ts';

/**
 * One HTTP request of a check with its method and headers, through the lab's app port on
 * loopback, keeping what the verdicts read: status, the start of the body, X-App, X-Served-By.
 */
export interface ProbeOptions {
  url: string;
  method: string;
  headers?: Record<string, string> | undefined;
  agent?: Agent;
  cookie?: string | undefined;
  timeoutMs?: number;
}

const MAX_BODY = 16 * 1024;

function probe(o: ProbeOptions): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...o.headers, ...(o.cookie ? { cookie: o.cookie } : {}) };
    const timeout = o.timeoutMs ?? 5000;
    const req = request(o.url, { method: o.method, headers, agent: o.agent ?? false, timeout }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < MAX_BODY) body += chunk;
      });
      res.on('end', () => {
        const header = (name: string) => (typeof res.headers[name] === 'string' ? (res.headers[name] as string) : null);
        const set = res.headers['set-cookie']?.map((c) => c.split(';')[0]!);
        resolve({
          status: res.statusCode ?? 0,
          body: body.slice(0, MAX_BODY),
          app: header('x-app'),
          server: header('x-served-by'),
          session: header('x-session'),
          ...(set?.length ? { setCookie: set } : {}),
        });
      });
      res.on('error', (e) => resolve({ status: 0, body: '', app: null, server: null, error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeout} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ status: 0, body: '', app: null, server: null, error: e.code ?? e.message }),
    );
    req.end();
  });
}

/** Requests one after another on one connection, like one client; with `cookies`, like one browser keeping them. */
export async function probeSeries(o: {
  requests: readonly Pick<ProbeOptions, 'url' | 'method' | 'headers'>[];
  cookies: boolean;
  signal?: AbortSignal;
}): Promise<HttpAnswer[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const answers: HttpAnswer[] = [];
  let cookie: string | undefined;
  try {
    for (const r of o.requests) {
      if (o.signal?.aborted) break;
      const a = await probe({ ...r, agent, cookie });
      if (o.cookies && a.setCookie) cookie = mergeCookies(cookie, a.setCookie);
      answers.push(a);
    }
  } finally {
    agent.destroy();
  }
  return answers;
}
