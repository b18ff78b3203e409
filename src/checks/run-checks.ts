import type { Context } from '../cli/context.ts';
import type { Lab, LabCheck } from '../core/lab-schema.ts';
import { distributionCheck, replicasUpCheck } from './distribution.ts';
import { failoverCheck, type FailoverOptions } from './failover.ts';
import type { CheckTarget } from './target.ts';
import { type CheckResult, resultOf } from './types.ts';

const DEFAULT_REQUESTS = 300;
const DEFAULT_CONCURRENCY = 4;

export interface CheckSelection {
  requests?: number;
  concurrency?: number;
  /** Add the failover drill when the lab does not list one. */
  failover?: boolean;
}

/** The checks to run: the lab's own (or a sensible pair when it names none), plus --failover. */
export function selectChecks(lab: Lab, sel: CheckSelection): LabCheck[] {
  const checks: LabCheck[] = lab.checks.length
    ? [...lab.checks]
    : [
        { name: 'all-replicas-up', kind: 'replicas-up' },
        { name: 'traffic-is-spread', kind: 'distribution' },
      ];
  if (sel.failover && !checks.some((c) => c.kind === 'failover'))
    checks.push({ name: 'failover-drill', kind: 'failover' });
  return checks;
}

/** Run checks one after another against a running lab; a check that throws is a FAIL with its message. */
export async function runChecks(
  ctx: Context,
  t: CheckTarget,
  checks: LabCheck[],
  sel: CheckSelection,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    if (ctx.signal.aborted) break;
    const step = ctx.out.step(`${check.name}: ${describe(check, sel)}`);
    const t0 = performance.now();
    let result: CheckResult;
    try {
      result = await runOne(ctx, t, check, sel);
    } catch (e) {
      result = resultOf(check.name, check.kind, t0, { pass: false, reason: (e as Error).message });
    }
    if (result.verdict === 'PASS') step.succeed(`${check.name}: PASS`);
    else step.fail(`${check.name}: FAIL`);
    results.push({ ...result, startedAt: t0 });
  }
  return results;
}

function runOne(ctx: Context, t: CheckTarget, check: LabCheck, sel: CheckSelection): Promise<CheckResult> {
  switch (check.kind) {
    case 'replicas-up':
      return replicasUpCheck(t, check, ctx.signal);
    case 'distribution':
      return distributionCheck(
        t,
        check,
        {
          requests: sel.requests ?? check.requests ?? DEFAULT_REQUESTS,
          concurrency: sel.concurrency ?? check.concurrency ?? DEFAULT_CONCURRENCY,
        },
        ctx.out.c,
        ctx.signal,
      );
    case 'failover':
      // A task's failover check carries fault, target, hold and expect too (task-schema.ts).
      return failoverCheck(
        t,
        { ...(check as FailoverOptions), concurrency: sel.concurrency ?? check.concurrency },
        ctx.out.c,
        ctx.signal,
      );
  }
}

const describe = (check: LabCheck, sel: CheckSelection): string =>
  check.kind === 'replicas-up'
    ? 'every replica UP in HAProxy'
    : check.kind === 'distribution'
      ? `sending ${sel.requests ?? check.requests ?? DEFAULT_REQUESTS} requests`
      : `${(check as FailoverOptions).fault ?? 'stop'} on ${(check as FailoverOptions).target === 'primaries' ? 'every primary' : 'a replica'} under load`;
