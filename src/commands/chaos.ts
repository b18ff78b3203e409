import { chaosRunLines, freshSeed } from '../checks/chaos.ts';
import { eventMarks, htmlTarget, recordRun, reportHeader, writeHtmlReport } from '../cli/html-report.ts';
import { runChaos } from '../checks/chaos-run.ts';
import { checkTarget } from '../checks/target.ts';
import type { Context } from '../cli/context.ts';
import type { OptionsOf } from '../cli/options.ts';
import { loadLab } from '../config/labs.ts';
import { parseChaosSettings } from '../core/chaos-plan.ts';
import { shortId } from '../core/lab-id.ts';
import { parseLoadSettings } from '../core/load-report.ts';
import { projectFor } from '../core/options.ts';
import { DEFAULT_SLO, sloText } from '../core/verdicts-chaos.ts';
import { plainPalette } from '../core/palette.ts';
import { openEngine } from '../engine/engine.ts';
import { writeChaosReport } from '../engine/progress-file.ts';
import { projectWorkspace } from '../engine/workspace.ts';
import type { chaosCommand } from './chaos.command.ts';

/**
 * A chaos run on a running lab (checks/chaos-run.ts): every option is checked before anything
 * starts (exit 2). The report is saved in the workspace, where a chaos check `from: report` finds it.
 */
export async function chaos(ctx: Context, opts: OptionsOf<typeof chaosCommand> & { lab: string }): Promise<void> {
  const settings = parseChaosSettings(opts, freshSeed);
  const { rate } = parseLoadSettings({ rate: opts.rate ?? '50' });
  const { lab } = loadLab(opts.lab);
  const ref = shortId(lab.id);
  const project = projectFor(opts.project, () => lab.id);
  const slo = lab.slo ?? DEFAULT_SLO;
  const html = opts.html === undefined ? undefined : await htmlTarget(ctx, opts.html);
  const engine = await openEngine(ctx);
  const t = await checkTarget(ctx, engine, project, ref);
  const what = `${settings.faults.join(', ')} for ${settings.durationS} s, seed ${settings.seed}`;
  const step = ctx.out.step(`Chaos on ${project}: ${what}`);
  const recording = html ? recordRun(t) : undefined;
  const startedAt = performance.now();
  const r = await runChaos(t, settings, {
    rate,
    slo,
    signal: ctx.signal,
    onEvent: (e) => step.update(`Chaos on ${project} (${what}): +${(e.atMs / 1000).toFixed(1)}s ${e.text}`),
  });
  if (r.interrupted) step.fail(`Chaos on ${project} interrupted: every fault it injected is cleared`);
  else if (r.verdict.pass) step.succeed(`Chaos on ${project}: the SLO held (${what})`);
  else step.fail(`Chaos on ${project}: the SLO did not hold (${what})`);
  const data = {
    lab: lab.id,
    project,
    seed: settings.seed,
    durationS: settings.durationS,
    rate,
    slo,
    sent: r.summary.sent,
    failed: r.summary.failed,
    failures: r.summary.failures,
    availability: r.verdict.availability,
    p95Ms: r.summary.latencyMs.p95,
    latencyMs: r.summary.latencyMs,
    pass: r.verdict.pass,
    reason: r.verdict.reason,
    interrupted: r.interrupted,
    faults: r.schedule.map((e) => ({ atMs: e.atMs, forMs: e.forMs, replica: e.replica, fault: e.spec })),
    events: r.events,
  };
  if (!r.interrupted) {
    const { ws } = await projectWorkspace(ctx, project, t.haproxy);
    await writeChaosReport(ws, { ...data, at: new Date().toISOString() });
  }
  ctx.out.data({ outcome: 'success', ...data });
  for (const line of chaosRunLines(r, slo, ctx.out.c)) ctx.out.result(line);
  const replay = `lab chaos ${ref} --duration ${settings.durationS} --seed ${settings.seed}${opts.faults ? ` --faults ${settings.faults.join(',')}` : ''}`;
  if (html && recording) {
    const recorded = await recording.finish(eventMarks(r.events, (startedAt - recording.t0) / 1000));
    const result = {
      name: `SLO: ${sloText(slo)} [chaos]`,
      verdict: r.verdict.pass ? ('PASS' as const) : ('FAIL' as const),
      reason: r.verdict.reason,
      details: [],
    };
    await writeHtmlReport(ctx, html, {
      ...reportHeader(lab, project, replay, ctx.env),
      ...recorded,
      results: [result],
      summary: chaosRunLines(r, slo, plainPalette).filter((l) => !l.includes('\n')),
    });
  }
  ctx.out.result(ctx.out.c.dim(`Replay these faults: ${replay}`));
}
