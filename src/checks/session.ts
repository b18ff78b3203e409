import { cookieNames, cookiePairs, mergeCookies } from '../core/cookie-jar.ts';
import { serversAt } from '../core/haproxy-servers.ts';
import type { TaskCheck } from '../core/task-schema.ts';
import { type HttpAnswer, identity } from '../core/verdicts-http.ts';
import {
  judgeBeforeKill,
  judgeSession,
  parseSessionHeader,
  readsOn,
  type SessionRun,
} from '../core/verdicts-session.ts';
import { readStats } from '../haproxy/stats-client.ts';
import { pollFor, restartReplica } from './restart-replica.ts';
import type { CheckTarget } from './target.ts';
import { type CheckResult, resultOf } from './types.ts';

type SessionCheck = Extract<TaskCheck, { kind: 'session' }>;

/** How long HAProxy may take to take the killed replica out of rotation, and to have it UP again once started. */
const OUT_TIMEOUT_MS = 10_000;
const BACK_TIMEOUT_MS = 15_000;

/**
 * One browser at the demo app's /session (a counter under a `session` cookie, in the replica's
 * memory or in Redis), keeping its cookies like a browser: was its session kept or lost? With
 * `kill`, the replica that answered its last request is killed (SIGKILL) once HAProxy's
 * stickiness (or not) has shown itself, the same browser goes on once HAProxy has the replica
 * out of rotation, and the replica is started again before the check ends.
 */
export async function sessionCheck(t: CheckTarget, check: SessionCheck, signal?: AbortSignal): Promise<CheckResult> {
  const t0 = performance.now();
  const name = check.name ?? 'session';
  const headerText = check.headers
    ? ` (${Object.entries(check.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')})`
    : '';
  let jar: string | undefined;
  const browse = async (n: number): Promise<HttpAnswer[]> => {
    const answers: HttpAnswer[] = [];
    for (let i = 0; i < n && !signal?.aborted; i++) {
      // One request at a time with this check's own jar, so it lasts across the kill.
      const [a] = await t.traffic.probe(
        [{ method: 'GET', path: check.path, headers: { ...check.headers, ...(jar ? { cookie: jar } : {}) } }],
        false,
        signal,
      );
      if (!a) break;
      jar = mergeCookies(jar, a.setCookie ?? []);
      answers.push(a);
      // The verdict stops at the first error or answer without X-Session: so does the browser.
      if (!readsOn(a)) break;
    }
    return answers;
  };
  const events: string[] = [];
  const note = (text: string) => events.push(`  +${((performance.now() - t0) / 1000).toFixed(1)}s  ${text}`);
  const run: SessionRun = { what: `GET ${check.path}${headerText}`, before: await browse(check.requests), cookies: [] };
  const line = (answers: readonly HttpAnswer[]) =>
    answers
      .map(
        (a) =>
          `${identity(a.app).service ?? a.server ?? '?'}/${identity(a.app).replica ?? '?'} ${a.session ?? a.status}`,
      )
      .join(', ');
  note(`${run.before.length} request(s): ${line(run.before)}`);
  const result = (verdict: { pass: boolean; reason: string }, data: Record<string, unknown> = {}): CheckResult =>
    resultOf(name, 'session', t0, verdict, {
      report: events,
      data: { cookies: cookieNames(jar), before: run.before.map(brief), ...data },
    });
  const early = judgeBeforeKill({ ...run, cookies: cookiePairs(jar) }, check.expect, check.kill);
  if (early || !check.kill) return result(early ?? { pass: false, reason: 'nothing was judged' });

  // The replica that answered the last request holds the session (in memory: only it).
  const last = identity(run.before.at(-1)?.app ?? null);
  const victim = t.apps.find(
    (a) => a.service === last.service && String(a.number) === last.replica && a.state === 'running',
  );
  if (!victim?.ip)
    return result({
      pass: false,
      reason: `the last answer came from ${last.service ?? '?'}/${last.replica ?? '?'}, which is not a running replica of this lab: lab cannot kill it`,
    });
  const container = t.engine.docker.getContainer(victim.id);
  const replica = `${last.service}/${last.replica}`;
  let outMs: number | null = null;
  let backUp = false;
  let after: HttpAnswer[] = [];
  await container.kill();
  note(`killed ${victim.name} (${replica})`);
  try {
    outMs = await pollFor(
      async () => !serversAt(await readStats(t.stats).catch(() => []), victim.ip!).some((s) => s.state === 'UP'),
      OUT_TIMEOUT_MS,
      signal,
    );
    note(
      outMs === null
        ? `HAProxy still had ${replica} in rotation ${OUT_TIMEOUT_MS / 1000} s after the kill`
        : `HAProxy took ${replica} out of rotation`,
    );
    after = await browse(check.requests);
    note(`${after.length} request(s): ${line(after)}`);
  } finally {
    // Never leave the lab with a replica down, whatever happened above.
    const back = await restartReplica(t, victim, { timeoutMs: BACK_TIMEOUT_MS, signal }).catch((e: Error) => e);
    backUp = !(back instanceof Error) && back.upAt !== null;
    if (back instanceof Error) note(`could not start ${victim.name} again: ${back.message}`);
    else if (back.upAt === null)
      note(`${victim.name} was not UP in HAProxy within ${BACK_TIMEOUT_MS / 1000} s of its start`);
    else
      note(`started ${victim.name} again: UP in HAProxy after ${((back.upAt - back.startedAt) / 1000).toFixed(1)} s`);
  }
  const outRounded = outMs === null ? null : Math.round(outMs);
  const verdict = judgeSession(
    { ...run, after, cookies: cookiePairs(jar), killed: { replica, outMs: outRounded } },
    check.expect,
  );
  return result(verdict, { killed: victim.name, outMs: outRounded, after: after.map(brief), backUp });
}

/** What --json keeps of an answer. */
const brief = (a: HttpAnswer) => ({ status: a.status, app: a.app, server: a.server, ...parseSessionHeader(a.session) });
