import type { Context } from '../cli/context.ts';
import type { LabCheck } from '../core/lab-schema.ts';
import type { TaskCheck } from '../core/task-schema.ts';
import { affinityCheck } from './affinity.ts';
import { chaosCheck } from './chaos.ts';
import { httpCheck } from './http.ts';
import { killReplicaCheck } from './kill-replica.ts';
import { rolloutCheck } from './rollout.ts';
import { routingCheck } from './routing.ts';
import { runChecks } from './run-checks.ts';
import { serversCheck } from './servers.ts';
import { sessionCheck } from './session.ts';
import { throughputCheck } from './throughput.ts';
import type { CheckTarget } from './target.ts';
import { type CheckResult, resultOf } from './types.ts';

/**
 * Run a task's checks against a running lab. The kinds of `checks:` (replicas-up, distribution,
 * failover) run exactly as `lab check` runs them; http, routing, servers, affinity, throughput, kill-replica, session, chaos and rollout are task kinds.
 */
export async function runTaskChecks(ctx: Context, t: CheckTarget, task: string, checks: readonly TaskCheck[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    if (ctx.signal.aborted) break;
    const name = check.name ?? check.kind;
    if (check.kind === 'replicas-up' || check.kind === 'distribution' || check.kind === 'failover') {
      results.push(...(await runChecks(ctx, t, [{ ...check, name } as LabCheck], {})));
      continue;
    }
    const step = ctx.out.step(`${task}: ${name}`);
    const t0 = performance.now();
    let result: CheckResult;
    try {
      // chaos and rollout change the lab through lab's own engine code (faults, compose, the runtime API): they need the context.
      result = check.kind === 'chaos' ? await chaosCheck(ctx, t, check, ctx.out.c) : check.kind === 'rollout' ? await rolloutCheck(ctx, t, check) : await runTaskCheck(t, check, ctx.signal);
    } catch (e) {
      result = resultOf(name, check.kind, t0, { pass: false, reason: (e as Error).message });
    }
    if (result.verdict === 'PASS') step.succeed(`${task}: ${name}: PASS`);
    else step.fail(`${task}: ${name}: FAIL`);
    results.push(result);
  }
  return results;
}

type TaskKind = Exclude<TaskCheck, { kind: 'replicas-up' | 'distribution' | 'failover' | 'chaos' | 'rollout' }>;

function runTaskCheck(t: CheckTarget, check: TaskKind, signal: AbortSignal): Promise<CheckResult> {
  switch (check.kind) {
    case 'http':
      return httpCheck(t, check, signal);
    case 'routing':
      return routingCheck(t, check, signal);
    case 'servers':
      return serversCheck(t, check, signal);
    case 'affinity':
      return affinityCheck(t, check, signal);
    case 'throughput':
      return throughputCheck(t, check, signal);
    case 'kill-replica':
      return killReplicaCheck(t, check, signal);
    case 'session':
      return sessionCheck(t, check, signal);
  }
}
