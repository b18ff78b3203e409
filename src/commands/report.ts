import type { CheckResult } from '../checks/types.ts';
import { runChecks, selectChecks } from '../checks/run-checks.ts';
import { checkTarget } from '../checks/target.ts';
import type { Context } from '../cli/context.ts';
import { drillMarks, htmlTarget, recordRun, reportHeader, resultViews, writeHtmlReport } from '../cli/html-report.ts';
import type { OptionsOf } from '../cli/options.ts';
import { loadLab } from '../config/labs.ts';
import type { ResultView } from '../core/html-report.ts';
import { shortId } from '../core/lab-id.ts';
import { pick, pickLanguage } from '../core/localized.ts';
import { parseCount, projectFor } from '../core/options.ts';
import { resolveEndpoint } from '../docker/endpoint.ts';
import { openEngine } from '../engine/engine.ts';
import { withProjectLock } from '../engine/lock.ts';
import { gradeTasks } from '../exercises/grade-tasks.ts';
import type { reportCommand } from './report.command.ts';

const VERDICT = { pass: 'PASS', fail: 'FAIL', locked: 'LOCKED' } as const;

/**
 * Grade a running lab and write the report a student keeps: its tasks when it has some (as lab
 * grade, without saving progress), else its checks (as lab check), and with --failover the
 * failover drill too; HAProxy's stats are sampled meanwhile for the charts.
 */
export async function report(ctx: Context, opts: OptionsOf<typeof reportCommand> & { lab: string }): Promise<void> {
  const lang = pickLanguage(opts.lang, ctx.env);
  const { lab } = loadLab(opts.lab);
  const html = await htmlTarget(ctx, opts.html ?? '');
  const project = projectFor(opts.project, () => lab.id);
  const endpoint = await resolveEndpoint(ctx.env, ctx.host);
  const command = `report ${opts.lab}${opts.failover ? ' --failover' : ''}`;
  const model = await withProjectLock(ctx, endpoint, project, command, async () => {
    const engine = await openEngine(ctx, endpoint);
    const target = await checkTarget(ctx, engine, project, shortId(lab.id));
    const recording = recordRun(target);
    let results: ResultView[] = [];
    let checks: CheckResult[] = [];
    if (lab.tasks.length) {
      const graded = await gradeTasks(ctx, target, lab.tasks);
      const titles = new Map(lab.tasks.map((t) => [t.id, pick(t.title, lang)]));
      checks = graded.flatMap((g) => g.checks);
      results = graded.map((g) => ({
        name: `${g.id}: ${titles.get(g.id) ?? ''}`,
        verdict: VERDICT[g.status],
        reason: g.reason,
        details: resultViews(g.checks).flatMap((c) => [`${c.verdict} ${c.name}: ${c.reason}`, ...(c.details ?? [])]),
      }));
    }
    // The lab's checks when it has no tasks; the failover drill on top with --failover.
    const sel = { requests: parseCount(opts.requests, '--requests', 100_000), failover: opts.failover };
    const extra = lab.tasks.length
      ? opts.failover
        ? [{ name: 'failover-drill', kind: 'failover' as const }]
        : []
      : selectChecks(lab, sel);
    const ran = await runChecks(ctx, target, extra, sel);
    checks = [...checks, ...ran];
    results = [...results, ...resultViews(ran)];
    return {
      ...reportHeader(lab, project, `lab ${command}`, ctx.env, lang),
      ...(await recording.finish(drillMarks(checks, recording.t0))),
      results,
    };
  });
  const passed = model.results.filter((r) => r.verdict === 'PASS').length;
  ctx.out.data({
    outcome: 'success',
    project,
    file: html,
    passed,
    total: model.results.length,
    results: model.results.map(({ details: _d, ...r }) => r),
  });
  for (const r of model.results)
    ctx.out.result(
      `${r.verdict === 'PASS' ? ctx.out.c.green('PASS') : ctx.out.c.red(r.verdict)}  ${r.name}  ${ctx.out.c.dim(r.reason)}`,
    );
  await writeHtmlReport(ctx, html, model);
}
