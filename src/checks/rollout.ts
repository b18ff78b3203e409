import type { Context } from '../cli/context.ts';
import { readLab } from '../config/labs.ts';
import { addrIp, backendServers, checkedUp } from '../core/haproxy-servers.ts';
import type { LoadSummary } from '../core/load-summary.ts';
import { planRollout } from '../core/rollout-plan.ts';
import { labServices, versionOf } from '../core/services.ts';
import type { TaskCheck } from '../core/task-schema.ts';
import { judgeRollout, type RolloutObserved } from '../core/verdicts-rollout.ts';
import { labContainers } from '../docker/engine.ts';
import { runRollout } from '../engine/rollout.ts';
import { projectWorkspace } from '../engine/workspace.ts';
import { readStats } from '../haproxy/stats-client.ts';
import { merged } from '../traffic/source.ts';
import type { CheckTarget } from './target.ts';
import type { CheckResult } from './types.ts';

type RolloutCheck = Extract<TaskCheck, { kind: 'rollout' }>;

/** Load before the rollout, so the service is busy when its first replica is drained. */
const WARM_MS = 500;

/**
 * Under steady load (open loop: requests at a rate, whatever the answers), roll the service to
 * its next version exactly as `lab rollout` does, then grade the requests that failed meanwhile
 * and the end state: every replica on the new version, UP in HAProxy with a passed check. The
 * next version is the one after what the replicas run, in the lab file's versions (v1 → v2,
 * v2 → v1), so the check can run again, as lab test does on the starter and then the solution.
 */
export async function rolloutCheck(ctx: Context, t: CheckTarget, check: RolloutCheck): Promise<CheckResult> {
  const t0 = performance.now();
  const name = check.name ?? 'rollout';
  const fail = (reason: string): CheckResult => ({
    name,
    kind: 'rollout',
    verdict: 'FAIL',
    reason,
    ms: performance.now() - t0,
    report: [],
  });
  const { ws, state } = await projectWorkspace(ctx, t.project, t.haproxy);
  const loaded = state ? readLab(state.labFile).lab : undefined;
  if (!state || !loaded) return fail(`the workspace or lab file of ${t.project} is gone: run lab up again`);
  const svc = labServices(loaded.lab).find((s) => s.name === check.service);
  const mine = (await labContainers(t.engine.docker, t.project)).filter((c) => c.service === check.service);
  const running =
    mine.find((c) => c.version !== undefined)?.version ?? (svc ? versionOf(svc, state.options) : undefined) ?? 'v1';
  const versions = svc?.versions ?? [];
  const to = versions[(versions.indexOf(running) + 1) % Math.max(1, versions.length)] ?? running;
  let plan: ReturnType<typeof planRollout>;
  try {
    plan = planRollout({
      service: check.service,
      services: labServices(loaded.lab).map((s) => s.name),
      to,
      from: running,
      strategy: check.strategy,
      batch: check.batch === undefined ? undefined : String(check.batch),
      versions: svc?.versions,
      replicas: mine.map((c) => c.number),
      current: Object.fromEntries(mine.map((c) => [c.number, c.version ?? running])),
    });
  } catch (e) {
    return fail((e as Error).message);
  }
  const events: string[] = [];
  const note = (text: string) => events.push(`  +${((performance.now() - t0) / 1000).toFixed(1)}s  ${text}`);
  const load = await t.traffic.start({
    path: check.path,
    rate: check.rate,
    concurrency: Math.max(8, check.rate),
    durationS: 600,
    keepAlive: true,
    cookies: false,
    timeoutMs: 2000,
  });
  note(`load started: ${check.rate} requests/s to ${check.path} from ${t.traffic.where}`);
  let before: LoadSummary | undefined;
  let after: LoadSummary | undefined;
  let error: string | undefined;
  let rolledMs = 0;
  try {
    await sleep(WARM_MS);
    before = merged(await load.snapshot());
    note(`rollout of ${check.service} from ${plan.from} to ${plan.to} (${plan.strategy}) started`);
    const outcome = await runRollout(ctx, {
      engine: t.engine,
      loaded,
      ws,
      state,
      haproxy: t.haproxy,
      stats: t.stats,
      plan,
      progress: note,
    });
    rolledMs = outcome.ms;
    note(`rollout done in ${(outcome.ms / 1000).toFixed(1)} s`);
  } catch (e) {
    error = (e as Error).message;
    note(`rollout stopped: ${error}`);
  } finally {
    after = merged(await load.snapshot().catch(() => []));
    const total = merged(await load.stop().catch(() => []));
    note(`load stopped: ${total.sent} requests, ${total.failed} failed`);
  }
  const end = (await labContainers(t.engine.docker, t.project)).filter((c) => c.service === check.service);
  const rows = await readStats(t.stats).catch(() => []);
  const up = rows.length
    ? backendServers(
        rows,
        rows.find((r) => end.some((c) => c.ip && addrIp({ addr: r.addr }) === c.ip))?.pxname ?? check.service,
      ).filter(checkedUp)
    : [];
  const observed: RolloutObserved = {
    service: check.service,
    strategy: plan.strategy,
    from: plan.from,
    to: plan.to,
    sent: (after?.sent ?? 0) - (before?.sent ?? 0),
    failed: (after?.failed ?? 0) - (before?.failed ?? 0),
    failedBy: after && before ? diffFailures(after, before) : {},
    replicas: end.map((c) => ({ name: c.name, version: c.version ?? null })),
    inRotation: end.filter((c) => up.some((s) => addrIp(s) === c.ip)).length,
    error,
    ms: rolledMs || performance.now() - t0,
  };
  const verdict = judgeRollout(observed, check.expect);
  return {
    name,
    kind: 'rollout',
    verdict: verdict.pass ? 'PASS' : 'FAIL',
    reason: verdict.reason,
    ms: performance.now() - t0,
    report: events,
    data: { ...observed, ms: Math.round(observed.ms), batches: plan.batches },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Failures by cause between two snapshots, only the causes that happened. */
const diffFailures = (a: LoadSummary, b: LoadSummary): Record<string, number> =>
  Object.fromEntries(
    Object.entries(a.failures)
      .map(([k, v]) => [k, v - b.failures[k as keyof LoadSummary['failures']]] as const)
      .filter(([, n]) => n > 0),
  );
