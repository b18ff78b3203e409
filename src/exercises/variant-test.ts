import { checkTarget } from '../checks/target.ts';
import { runTaskChecks } from '../checks/task-checks.ts';
import type { Context, LabRunner } from '../cli/context.ts';
import { readVariants } from '../config/lab-variants.ts';
import { gradeStatus, statusReason } from '../core/exercises/task-state.ts';
import { variantVerdict } from '../core/exercises/variants.ts';
import type { HalfCase } from '../core/exercises/test-halves.ts';
import { shortId } from '../core/lab-id.ts';
import type { ExerciseTestRequest } from './test-request.ts';
import { settleChecks } from './grade-lab.ts';
import { solveTask } from './solve-task.ts';

/**
 * lab test's third half: every variant of the lab (labs/<lab>/variants, core/exercises/variants.ts)
 * applied as the student's haproxy.cfg, its own task graded alone (its needs are met by the file
 * itself, as by their solutions): a correct one must pass, a wrong one fail for its stated reason.
 * Runs after the solutions, so commands of earlier solutions (lab scale) hold.
 */
export async function testVariants(
  ctx: Context,
  run: LabRunner,
  r: ExerciseTestRequest,
): Promise<(HalfCase & { ms: number })[]> {
  const variants = readVariants(r.loaded.file).filter((v) => !r.only || !v.variant || r.only.has(v.variant.task));
  if (!variants.length) return [];
  ctx.out.info(ctx.out.c.bold(`Variants: ${variants.length} more answer(s), each must get its stated grade`));
  const cases: (HalfCase & { ms: number })[] = [];
  for (const v of variants) {
    if (ctx.signal.aborted) break;
    const t0 = performance.now();
    const c = (verdict: HalfCase['verdict'], reason: string, task = v.variant?.task ?? '?') =>
      cases.push({ task, half: 'variant', file: v.name, verdict, reason, ms: performance.now() - t0 });
    const task = r.loaded.lab.tasks.find((t) => t.id === v.variant?.task);
    if (!v.variant || !task) {
      c('FAIL', `${v.name}: ${v.problem ?? `names no task of lab ${shortId(r.loaded.lab.id)}`}`);
      continue;
    }
    let graded: { status: 'pass' | 'fail' | 'locked'; reason: string } | { error: string };
    try {
      // Applied the way a file solution is: the student's haproxy.cfg replaced, then lab apply.
      await solveTask(
        ctx,
        run,
        r.loaded,
        { ...task, solution: v.name },
        { project: r.project, ws: r.ws, upExtras: r.upExtras },
      );
      const target = await checkTarget(ctx, r.engine, r.project, shortId(r.loaded.lab.id));
      await settleChecks(target.stats, ctx.signal);
      const checks = await runTaskChecks(ctx, target, task.id, task.checks);
      const status = gradeStatus(
        [],
        checks.map((x) => x.verdict),
      );
      graded = {
        status,
        reason: statusReason(
          status,
          [],
          checks.filter((x) => x.verdict === 'FAIL'),
        ),
      };
    } catch (e) {
      const details = (e as { details?: unknown }).details;
      graded = { error: [(e as Error).message, ...(Array.isArray(details) ? details : [])].join('\n') };
    }
    const verdict = variantVerdict(v.name, v.variant, graded);
    c(verdict.verdict, verdict.reason);
  }
  return cases;
}
