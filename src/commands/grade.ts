import { writeFile } from 'node:fs/promises';
import { checkTarget } from '../checks/target.ts';
import type { Context } from '../cli/context.ts';
import type { OptionsOf } from '../cli/options.ts';
import { loadLab } from '../config/labs.ts';
import { CheckFailedError, ExitError, UsageError } from '../core/errors.ts';
import { withGrades } from '../core/exercises/progress.ts';
import { score } from '../core/exercises/task-state.ts';
import { renderJUnit } from '../core/junit.ts';
import { shortId } from '../core/lab-id.ts';
import { pick, pickLanguage } from '../core/localized.ts';
import { projectFor } from '../core/options.ts';
import { renderTable } from '../core/report.ts';
import { resolveEndpoint } from '../docker/endpoint.ts';
import { openEngine } from '../engine/engine.ts';
import { withProjectLock } from '../engine/lock.ts';
import { readProgress, writeProgress } from '../engine/progress-file.ts';
import { projectWorkspace } from '../engine/workspace.ts';
import { gradeTasks, type GradedTask } from '../exercises/grade-tasks.ts';
import type { gradeCommand } from './grade.command.ts';

export type GradeOptions = OptionsOf<typeof gradeCommand> & { lab: string };

/** Grade every task of a running lab, print a table and a score, save the progress. */
export async function grade(ctx: Context, opts: GradeOptions): Promise<void> {
  const lang = pickLanguage(opts.lang, ctx.env);
  const { lab } = loadLab(opts.lab);
  const short = shortId(lab.id);
  if (lab.tasks.length === 0) throw new UsageError(`Lab ${short} has no tasks to grade`, { hint: `Run lab check ${short} for its checks` });
  const project = projectFor(opts.project, () => lab.id);
  const endpoint = await resolveEndpoint(ctx.env, ctx.host);
  // Locked like check: a concurrent down or scale would change the stack under the grader.
  const { graded, ws } = await withProjectLock(ctx, endpoint, project, `grade ${opts.lab}`, async () => {
    const engine = await openEngine(ctx, endpoint);
    const target = await checkTarget(ctx, engine, project, short);
    const { ws } = await projectWorkspace(ctx, project, target.haproxy);
    return { graded: await gradeTasks(ctx, target, lab.tasks), ws };
  });
  const progress = withGrades(await readProgress(ws, lab.id), graded, new Date().toISOString());
  const saved = await writeProgress(ws, progress);
  ctx.out.debug(`progress saved in ${saved}`);
  const s = score(graded.map((g) => g.status));
  if (opts.junit) await writeFile(opts.junit, renderJUnit([{ name: lab.id, timeSeconds: graded.reduce((a, g) => a + g.ms, 0) / 1000, tests: graded.map(toCase(lab.id)) }], 'lab grade'));
  const titles = new Map(lab.tasks.map((t) => [t.id, pick(t.title, lang)]));
  ctx.out.data({
    lab: lab.id,
    score: s.percent,
    passed: s.passed,
    total: s.total,
    tasks: graded.map((g) => ({ id: g.id, title: titles.get(g.id), status: g.status, reason: g.reason, checks: g.checks.map(({ report: _r, ms, ...c }) => ({ ...c, ms: Math.round(ms) })) })),
  });
  printGrades(ctx, graded, titles);
  const mark = s.passed === s.total ? ctx.out.c.green : ctx.out.c.red;
  ctx.out.result(`\n${mark(`Score: ${s.passed} of ${s.total} task(s) passed (${s.percent}%)`)}  ${ctx.out.c.dim(`lab tasks ${short} shows what to do next`)}`);
  if (s.passed < s.total) {
    throw new ExitError(new CheckFailedError(`${s.total - s.passed} of ${s.total} task(s) did not pass: ${graded.filter((g) => g.status !== 'pass').map((g) => g.id).join(', ')}`));
  }
}

function printGrades(ctx: Context, graded: readonly GradedTask[], titles: Map<string, string>): void {
  const { c } = ctx.out;
  const color = { pass: c.green('PASS'), fail: c.red('FAIL'), locked: c.dim('LOCKED') };
  ctx.out.result(renderTable(graded.map((g) => [g.id, titles.get(g.id) ?? '', color[g.status]]), ['TASK', 'TITLE', 'STATUS']));
  for (const g of graded.filter((x) => x.status !== 'pass')) {
    ctx.out.result(`\n${c.bold(g.id)}: ${g.reason}`);
    for (const check of g.checks.filter((x) => x.verdict === 'FAIL')) for (const line of check.report) ctx.out.result(line);
  }
}

const toCase = (lab: string) => (g: GradedTask) => ({
  name: g.id,
  classname: lab,
  timeSeconds: g.ms / 1000,
  ...(g.status === 'fail' ? { failure: { message: g.reason, details: g.checks.map((c) => `${c.name} [${c.kind}] ${c.verdict}: ${c.reason}\n${c.report.join('\n')}`).join('\n') } } : {}),
  ...(g.status === 'locked' ? { skipped: g.reason } : {}),
});
