import type { LoadSummary } from '../core/load-summary.ts';
import type { TaskCheck } from '../core/task-schema.ts';
import { judgeKill } from '../core/verdicts-kill.ts';
import { merged } from '../traffic/source.ts';
import { restartReplica } from './restart-replica.ts';
import type { CheckTarget } from './target.ts';
import { type CheckResult, resultOf } from './types.ts';

type KillReplicaCheck = Extract<TaskCheck, { kind: 'kill-replica' }>;

/** How long the killed replica may take to be UP in HAProxy again after it is started. */
const BACK_TIMEOUT_MS = 15_000;
/** Load before the kill, so the service is busy when its replica dies. */
const WARM_MS = 500;

/**
 * Under load (requests at a steady rate, whatever the answers), kill one replica of a service
 * (SIGKILL, as in a crash), start it again after `down` seconds, and count the requests that
 * failed between the kill and HAProxy having it UP again: scale up (one replica) loses them all,
 * scale out loses a few or none.
 */
export async function killReplicaCheck(
  t: CheckTarget,
  check: KillReplicaCheck,
  signal?: AbortSignal,
): Promise<CheckResult> {
  const t0 = performance.now();
  const name = check.name ?? 'kill-replica';
  const running = t.apps
    .filter((a) => a.service === check.service && a.state === 'running')
    .sort((a, b) => a.number - b.number);
  const victim = running[0];
  if (!victim) {
    const services = [...new Set(t.apps.map((a) => a.service))].sort().join(', ');
    return resultOf(name, 'kill-replica', t0, {
      pass: false,
      reason: `no replica of ${check.service} is running (services: ${services || 'none'}): start the lab, or fix the service's name in the check`,
    });
  }
  // Asked before the kill: the backend the service's traffic goes through, whatever the student named it.
  const { backend } = await t.route(check.service, check.path, signal);
  const container = t.engine.docker.getContainer(victim.id);
  const events: string[] = [];
  const note = (text: string) => events.push(`  +${((performance.now() - t0) / 1000).toFixed(1)}s  ${text}`);
  // At most a second's worth in flight: a request to a dead service may wait for its timeout.
  const load = await t.traffic.start({
    path: check.path,
    headers: check.headers,
    rate: check.rate,
    concurrency: Math.max(8, check.rate),
    durationS: 120,
    keepAlive: true,
    cookies: false,
    timeoutMs: 2000,
  });
  note(`load started: ${check.rate} requests/s to ${check.path} from ${t.traffic.where}`);
  let restarted = false;
  let before: LoadSummary | undefined;
  let atBack: LoadSummary | undefined;
  let downMs: number | null = null;
  let throttle: number | null = null;
  try {
    await sleep(WARM_MS);
    before = merged(await load.snapshot());
    const killedAt = performance.now();
    await container.kill();
    note(`killed ${victim.name} (1 of ${running.length} ${check.service} replica(s))`);
    await sleep(check.down * 1000);
    const back = await restartReplica(t, victim, {
      backend,
      timeoutMs: BACK_TIMEOUT_MS,
      signal,
      onStarted: () => {
        restarted = true;
        note(`started ${victim.name} again`);
      },
    });
    if (back.upAt !== null) downMs = back.upAt - killedAt;
    // Read at its first UP: slowstart's throttle shows only while it ramps (HAProxy's stats `throttle`).
    throttle = back.upRows[0]?.throttle ?? null;
    atBack = merged(await load.snapshot());
    note(
      downMs === null
        ? `${victim.name} was not UP in HAProxy within ${BACK_TIMEOUT_MS / 1000} s`
        : `HAProxy has ${victim.name} UP again`,
    );
  } finally {
    const total = merged(await load.stop().catch(() => []));
    note(`load stopped: ${total.sent} requests, ${total.failed} failed`);
    // Never leave the lab with a replica down, whatever happened above.
    if (!restarted) await container.start().catch(() => undefined);
  }
  const sent = (atBack?.sent ?? 0) - (before?.sent ?? 0);
  const failed = (atBack?.failed ?? 0) - (before?.failed ?? 0);
  const verdict = judgeKill(
    { service: check.service, replicas: running.length, sent, failed, downMs, throttle },
    check.expect,
  );
  return resultOf(name, 'kill-replica', t0, verdict, {
    report: events,
    data: {
      service: check.service,
      replicas: running.length,
      victim: victim.name,
      sent,
      failed,
      failedShare: verdict.failedShare,
      downMs: downMs === null ? null : Math.round(downMs),
      throttle,
      failures: atBack && before ? diffFailures(atBack, before) : null,
    },
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const diffFailures = (a: LoadSummary, b: LoadSummary) =>
  Object.fromEntries(
    Object.entries(a.failures).map(([k, v]) => [k, v - b.failures[k as keyof LoadSummary['failures']]]),
  );
