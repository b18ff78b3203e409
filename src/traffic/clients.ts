import type Dockerode from 'dockerode';
import { normalizeSummary, splitEvenly } from '../core/load-summary.ts';
import type { HttpAnswer } from '../core/verdicts-http.ts';
import { control, fetchSeries } from '../docker/app-control.ts';
import { mapBounded } from '../core/pool.ts';
import type { LabContainer } from '../docker/engine.ts';
import type { LoadRequest, ProbeRequest, RunningLoad, SenderSummary, TrafficSource } from './source.ts';

/**
 * Traffic from the lab's client containers (compose/whoami in client mode, README "Client
 * mode"): lab sends each a run on its control port, which nothing publishes, by exec inside the
 * container (docker/app-control.ts); the same works on a remote engine. The clients reach
 * HAProxy by its service name in the lab network, each from its own IP.
 */
export function clientsSource(docker: Dockerode, clients: readonly LabContainer[], appUrl: string): TrafficSource {
  const sorted = [...clients].sort((a, b) => a.number - b.number);
  const pick = (n = sorted.length) => sorted.slice(0, Math.max(1, Math.min(n, sorted.length)));
  const name = (c: LabContainer) => `client ${c.number}`;
  const specs = (req: LoadRequest, chosen: LabContainer[]) => {
    const n = chosen.length;
    const requests = req.requests === undefined ? undefined : splitEvenly(req.requests, n);
    const concurrency = splitEvenly(Math.max(req.concurrency, n), n);
    return chosen.map((c, i) => ({
      client: c,
      spec: {
        url: new URL(req.path, appUrl).toString(),
        concurrency: concurrency[i],
        keepAlive: req.keepAlive,
        cookies: req.cookies,
        headers: req.headers ?? {},
        timeoutMs: req.timeoutMs ?? 5000,
        ...(requests ? { requests: Math.max(1, requests[i]!) } : {}),
        ...(req.durationS === undefined ? {} : { duration: req.durationS }),
        ...(req.rate === undefined ? {} : { rate: req.rate / n }),
      },
    }));
  };
  // A run's whole length plus room for the exec itself; a run bounded by requests only gets a minute.
  const waitMs = (req: LoadRequest) => ((req.durationS ?? 60) + 15) * 1000;

  return {
    kind: 'clients',
    where: `${sorted.length} client${sorted.length === 1 ? '' : 's'} in the lab network`,
    senders: sorted.length,
    run: async (req, senders, signal) => {
      // One exec per client for the whole run (POST /runs?wait=1 answers at its end); execs are
      // slow on a busy machine (1-2 s each at load 18 on 2 cores), so no polling here.
      const chosen = specs(req, pick(senders));
      // More clients than execs a busy machine runs well at once (e.g. 12 for balance source):
      // start them a few at a time and wait for their ends, as a background run does.
      if (chosen.length > EXECS_AT_ONCE) {
        const load = await startRuns(docker, chosen, name, (req.durationS ?? 0) * 1000);
        const onStop = () => void load.stop();
        signal?.addEventListener('abort', onStop);
        try {
          return await load.done;
        } finally {
          signal?.removeEventListener('abort', onStop);
        }
      }
      const onAbort = () => void Promise.all(chosen.map(({ client }) => stopRunning(docker, client)));
      signal?.addEventListener('abort', onAbort);
      try {
        return await Promise.all(
          chosen.map(async ({ client, spec }) => {
            const answer = (await control(
              docker,
              client.id,
              'POST',
              '/runs',
              { wait: '1' },
              { body: spec, timeoutMs: waitMs(req) },
            )) as { state?: string; summary?: unknown };
            const summary = normalizeSummary(answer.summary);
            return {
              sender: name(client),
              summary: answer.state === 'stopped' ? { ...summary, interrupted: true } : summary,
            };
          }),
        );
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
    start: async (req, senders) => startRuns(docker, specs(req, pick(senders)), name),
    probe: async (requests: readonly ProbeRequest[], cookies: boolean, signal?: AbortSignal) => {
      const client = pick(1)[0]!;
      // One exec for the whole series (docker/app-control.ts fetchSeries), which carries the cookies.
      const bodies = requests.map((r) => ({
        url: new URL(r.path, appUrl).toString(),
        method: r.method,
        headers: { ...r.headers },
        timeoutMs: 5000,
      }));
      const answers = (await fetchSeries(docker, client.id, bodies, {
        cookies,
        timeoutMs: 10_000,
        signal,
      })) as FetchAnswer[];
      return answers.map((a): HttpAnswer => {
        if (a.error !== undefined) return { status: 0, body: '', app: null, server: null, error: a.cause ?? a.error };
        const raw = a.headers?.['set-cookie'];
        const set = raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).map((c) => c.split(';')[0]!);
        return {
          status: a.status ?? 0,
          body: (a.body ?? '').slice(0, 16 * 1024),
          app: header(a, 'x-app'),
          server: header(a, 'x-served-by'),
          session: header(a, 'x-session'),
          ...(set.length ? { setCookie: set } : {}),
        };
      });
    },
  };
}

interface FetchAnswer {
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: string;
  error?: string;
  cause?: string;
}

const header = (a: FetchAnswer, h: string): string | null => {
  const v = a.headers?.[h];
  return typeof v === 'string' ? v : null;
};

type Spec = Record<string, unknown>;

/** Stop every run going on in a client (Ctrl-C during a run that lab waits for). */
async function stopRunning(docker: Dockerode, client: LabContainer): Promise<void> {
  const runs = (await control(docker, client.id, 'GET', '/runs').catch(() => [])) as { id: string; state: string }[];
  await Promise.all(
    runs
      .filter((r) => r.state === 'running')
      .map((r) => control(docker, client.id, 'DELETE', `/runs/${r.id}`).catch(() => undefined)),
  );
}

const EXECS_AT_ONCE = 4;

/** Start a run on each client (POST /runs answers at once with its id), then watch or stop it. */
async function startRuns(
  docker: Dockerode,
  runs: { client: LabContainer; spec: Spec }[],
  name: (c: LabContainer) => string,
  runMs = 0,
): Promise<RunningLoad> {
  // Each control call is a `node -e` exec in a client: 12 at once on 2 cores take seconds each
  // and eat the CPU the run is measuring, so a few at a time, and no polling while a run of
  // known length goes on.
  const started = await mapBounded(runs, EXECS_AT_ONCE, async ({ client, spec }) => ({
    client,
    id: ((await control(docker, client.id, 'POST', '/runs', {}, { body: spec, timeoutMs: 10_000 })) as { id: string })
      .id,
  }));
  const startedAt = performance.now();
  const each = (method: 'GET' | 'DELETE') =>
    mapBounded(started, EXECS_AT_ONCE, async ({ client, id }) => {
      const r = (await control(docker, client.id, method, `/runs/${id}`, {}, { timeoutMs: 10_000 })) as {
        state?: string;
        summary?: unknown;
      };
      return { sender: name(client), state: r.state, summary: normalizeSummary(r.summary) };
    });
  let stopped: Promise<SenderSummary[]> | undefined;
  const stop = () =>
    (stopped ??= each('DELETE').then((list) =>
      list.map(({ sender, summary }) => ({ sender, summary: { ...summary, interrupted: true } })),
    ));
  const done = (async () => {
    for (;;) {
      while (!stopped && performance.now() - startedAt < runMs) await new Promise((r) => setTimeout(r, 200));
      if (stopped) return stopped;
      const list = await each('GET');
      if (list.every((r) => r.state !== 'running')) return list.map(({ sender, summary }) => ({ sender, summary }));
      await new Promise((r) => setTimeout(r, 2000));
    }
  })();
  return { snapshot: async () => (await each('GET')).map(({ sender, summary }) => ({ sender, summary })), stop, done };
}
