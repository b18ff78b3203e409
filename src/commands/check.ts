import type { CheckResult } from '../checks/types.ts';
import { runChecks, selectChecks } from '../checks/run-checks.ts';
import { checkTarget } from '../checks/target.ts';
import type { Context } from '../cli/context.ts';
import { drillMarks, htmlTarget, recordRun, reportHeader, resultViews, writeHtmlReport } from '../cli/html-report.ts';
import type { OptionsOf } from '../cli/options.ts';
import { loadLab } from '../config/labs.ts';
import { CheckFailedError, ExitError, UsageError } from '../core/errors.ts';
import type { Lab } from '../core/lab-schema.ts';
import { refuseOneEngine } from '../core/swarm.ts';
import { budgetFor, crashOptions } from '../core/zone-drill.ts';
import { shortId } from '../core/lab-id.ts';
import { parseCount, projectFor } from '../core/options.ts';
import { resolveEndpoint } from '../docker/endpoint.ts';
import { openEngine } from '../engine/engine.ts';
import { withProjectLock } from '../engine/lock.ts';
import type { checkCommand } from './check.command.ts';

export type CheckOptions = OptionsOf<typeof checkCommand> & { lab: string };

/** Prove a running lab works: the lab's checks, judged from HAProxy's stats. */
export async function check(ctx: Context, opts: CheckOptions): Promise<void> {
  const sel = {
    requests: parseCount(opts.requests, '--requests', 100_000),
    concurrency: parseCount(opts.concurrency, '--concurrency', 256),
    failover: opts.failover,
  };
  const { lab } = loadLab(opts.lab);
  const project = projectFor(opts.project, () => lab.id);
  const crash = crashOptions(opts);
  if (opts.target === 'swarm' || opts.zoneLoss !== undefined) return checkSwarm(ctx, opts, lab, project, crash);
  refuseOneEngine(lab, `lab check ${opts.lab} --target swarm --zone-loss <zone>`);
  // Locked like up and down: a concurrent down or scale would pull the lab from under the drill.
  const endpoint = await resolveEndpoint(ctx.env, ctx.host);
  const html = opts.html === undefined ? undefined : await htmlTarget(ctx, opts.html);
  const command = `check ${opts.lab}${opts.failover ? ' --failover' : ''}`;
  const { results, recorded } = await withProjectLock(ctx, endpoint, project, command, async () => {
    const engine = await openEngine(ctx, endpoint);
    const target = await checkTarget(ctx, engine, project, shortId(lab.id));
    const recording = html ? recordRun(target) : undefined;
    const results = await runChecks(ctx, target, selectChecks(lab, sel), sel);
    return { results, recorded: await recording?.finish(drillMarks(results, recording.t0)) };
  });
  printResults(ctx, project, results);
  if (html && recorded)
    await writeHtmlReport(ctx, html, {
      ...reportHeader(lab, project, `lab ${command}`, ctx.env),
      ...recorded,
      results: resultViews(results),
    });
  const failed = results.filter((r) => r.verdict === 'FAIL');
  if (failed.length || results.length === 0) {
    // printResults has said which checks failed and why.
    throw new ExitError(
      new CheckFailedError(
        `${failed.length} of ${results.length} check(s) failed: ${failed.map((f) => f.name).join(', ')}`,
      ),
    );
  }
}

/** --target swarm: the zone drill (the lab's other checks run on one engine). */
async function checkSwarm(
  ctx: Context,
  opts: CheckOptions,
  lab: Lab,
  project: string,
  crash: ReturnType<typeof crashOptions>,
): Promise<void> {
  if (opts.target !== 'swarm')
    throw new UsageError(
      '--zone-loss needs --target swarm: a zone is a group of swarm nodes, and one engine has none',
      {
        hint: `lab check ${opts.lab} --target swarm --zone-loss <zone> (lab status ${opts.lab} --target swarm lists the zones)`,
      },
    );
  if (opts.zoneLoss === undefined)
    throw new UsageError(
      'lab check --target swarm runs the zone drill: name the zone to lose with --zone-loss <zone>',
      {
        hint: `lab check ${opts.lab} --target swarm --zone-loss <zone> (lab status ${opts.lab} --target swarm lists the zones)`,
      },
    );
  if (opts.failover)
    throw new UsageError('--failover runs on one engine; with --target swarm use --zone-loss <zone>', {
      hint: `lab check ${opts.lab} --target swarm --zone-loss <zone>`,
    });
  const zone = opts.zoneLoss;
  const rate = parseCount(opts.rate, '--rate', 1000) ?? 50;
  const budget = budgetFor(crash ? 'crash' : 'drain', lab.zoneLoss);
  const endpoint = await resolveEndpoint(ctx.env, ctx.host);
  const { zoneDrill } = await import('../engine/zone-drill.ts');
  const result = await withProjectLock(ctx, endpoint, project, `check ${opts.lab} --zone-loss ${zone}`, () =>
    zoneDrill(ctx, { project, ref: opts.lab, zone, budget, rate, crash }),
  );
  printResults(ctx, project, [result]);
  if (result.verdict === 'FAIL') throw new ExitError(new CheckFailedError(`the zone drill failed: ${result.reason}`));
}

export function printResults(ctx: Context, project: string, results: CheckResult[]): void {
  const { out } = ctx;
  const passed = results.filter((r) => r.verdict === 'PASS').length;
  out.data({
    outcome: passed === results.length ? 'success' : 'failure',
    project,
    passed,
    failed: results.length - passed,
    checks: results.map(({ report: _report, ms, startedAt: _startedAt, ...r }) => ({ ...r, ms: Math.round(ms) })),
  });
  for (const r of results) {
    const mark = r.verdict === 'PASS' ? out.c.green('PASS') : out.c.red('FAIL');
    out.result(`\n${out.c.bold(r.name)} ${out.c.dim(`[${r.kind}]`)}`);
    for (const line of r.report) out.result(line);
    // A distribution report ends with its verdict; a check that could not run has no report.
    if (r.kind !== 'distribution' || !r.report.some((l) => l.includes(r.reason)))
      out.result(`${out.c.bold(mark)} ${r.reason}`);
  }
  out.result(
    `\n${passed === results.length ? out.c.green(`All ${results.length} checks passed`) : out.c.red(`${results.length - passed} of ${results.length} checks failed`)} (${project})`,
  );
}
