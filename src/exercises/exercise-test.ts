import { checkTarget } from '../checks/target.ts';
import { runTaskChecks } from '../checks/task-checks.ts';
import type { Context, LabRunner } from '../cli/context.ts';
import { type HalfCase, type SolvedTask, solutionCase, starterCase } from '../core/exercises/test-halves.ts';
import { gradeStatus, gradingOrder, statusReason, unmetNeeds } from '../core/exercises/task-state.ts';
import { shortId } from '../core/lab-id.ts';
import type { ExerciseTestRequest } from './test-request.ts';
import { settleChecks } from './grade-lab.ts';
import { starterReady } from './starter-ready.ts';
import { labServices } from '../core/services.ts';
import { gradeTasks } from './grade-tasks.ts';
import { solveTask } from './solve-task.ts';
import { testVariants } from './variant-test.ts';

export type { ExerciseTestRequest } from './test-request.ts';

/** The tasks --task picked and every task they need, transitively. */
function withNeeds(tasks: readonly { id: string; needs: readonly string[] }[], only: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const add = (id: string) => {
    if (out.has(id)) return;
    out.add(id);
    for (const n of tasks.find((t) => t.id === id)?.needs ?? []) add(n);
  };
  for (const id of only) add(id);
  return out;
}

/**
 * lab test's two halves on a running exercise lab started from its starter (core/exercises/test-halves.ts):
 * every task's checks on the starter (each must FAIL), then each task's solution in needs order,
 * the task graded right after it (it must PASS), and a last grade of all tasks after every solution.
 */
export async function testExercise(
  ctx: Context,
  run: LabRunner,
  r: ExerciseTestRequest,
): Promise<(HalfCase & { ms: number })[]> {
  const short = shortId(r.loaded.lab.id);
  const tasks = gradingOrder(r.loaded.lab.tasks);
  const graded = (id: string) => !r.only || r.only.has(id);
  const needed = r.only ? withNeeds(tasks, r.only) : undefined;
  const target = () => checkTarget(ctx, r.engine, r.project, short);
  const cases: (HalfCase & { ms: number })[] = [];

  ctx.out.info(ctx.out.c.bold('Starter: every task must fail'));
  const onStarter = await target();
  const ports = new Map(labServices(r.loaded.lab).map((s) => [s.name, s.port]));
  await starterReady(onStarter, (service) => ports.get(service), ctx.signal);
  for (const task of tasks.filter((t) => graded(t.id))) {
    if (ctx.signal.aborted) break;
    const t0 = performance.now();
    if (task.mustFailOnStarter === false) {
      cases.push({ ...starterCase(task, undefined), ms: 0 });
      continue;
    }
    // Needs are ignored here: a task's checks must fail on the starter on their own.
    const checks = await runTaskChecks(ctx, onStarter, task.id, task.checks);
    const failed = checks.filter((c) => c.verdict === 'FAIL');
    cases.push({
      ...starterCase(task, {
        passed: checks.length > 0 && failed.length === 0,
        reason: failed.map((f) => `${f.name}: ${f.reason}`).join('; '),
      }),
      ms: performance.now() - t0,
    });
  }

  ctx.out.info(ctx.out.c.bold('Solutions: every task must pass after its solution'));
  const solved = new Map<string, SolvedTask & { ms: number }>();
  const passed = (id: string) => solved.get(id)?.after?.status === 'pass';
  for (const task of tasks.filter((t) => !needed || needed.has(t.id))) {
    if (ctx.signal.aborted) break;
    const t0 = performance.now();
    if (!task.solution) {
      solved.set(task.id, { solution: 'none', ms: 0 });
      continue;
    }
    try {
      await solveTask(ctx, run, r.loaded, task, { project: r.project, ws: r.ws, upExtras: r.upExtras });
    } catch (e) {
      const details = (e as { details?: unknown }).details;
      solved.set(task.id, {
        solution: 'failed',
        error: [(e as Error).message, ...(Array.isArray(details) ? details : [])].join('\n'),
        ms: performance.now() - t0,
      });
      continue;
    }
    if (!graded(task.id)) {
      // --task: a task the picked ones need, solved so that they can pass, not graded itself.
      solved.set(task.id, {
        solution: 'ran',
        after: { status: 'pass', reason: 'solution applied, not graded (--task)' },
        ms: performance.now() - t0,
      });
      continue;
    }
    const after = await target();
    await settleChecks(after.stats, ctx.signal);
    const unmet = unmetNeeds(task, passed);
    const checks = unmet.length ? [] : await runTaskChecks(ctx, after, task.id, task.checks);
    const status = gradeStatus(
      unmet,
      checks.map((c) => c.verdict),
    );
    solved.set(task.id, {
      solution: 'ran',
      after: {
        status,
        reason: statusReason(
          status,
          unmet,
          checks.filter((c) => c.verdict === 'FAIL'),
        ),
      },
      ms: performance.now() - t0,
    });
  }
  if (!ctx.signal.aborted && !r.only && [...solved.values()].some((s) => s.after)) {
    // A later solution may undo an earlier task (a lab up without its flags): grade them all again.
    for (const g of await gradeTasks(ctx, await target(), r.loaded.lab.tasks)) {
      const s = solved.get(g.id);
      if (s) s.final = { status: g.status, reason: g.reason };
    }
  }
  for (const task of tasks.filter((t) => graded(t.id))) {
    const s = solved.get(task.id) ?? { solution: 'failed' as const, error: 'not solved (interrupted)', ms: 0 };
    cases.push({ ...solutionCase(task.id, s), ms: s.ms });
  }
  if (!ctx.signal.aborted) cases.push(...(await testVariants(ctx, run, r)));
  return cases;
}
