import type { Context } from '../cli/context.ts';
import { htmlTarget, recordRun, reportHeader, writeHtmlReport } from '../cli/html-report.ts';
import type { Mark } from '../core/svg-charts.ts';
import type { OptionsOf } from '../cli/options.ts';
import { loadLab } from '../config/labs.ts';
import { shortId } from '../core/lab-id.ts';
import { projectFor } from '../core/options.ts';
import { describeRollout, planRollout, type RolloutInput } from '../core/rollout-plan.ts';
import { labServices, replicasOf, versionOf } from '../core/services.ts';
import { UsageError } from '../core/errors.ts';
import { resolveEndpoint } from '../docker/endpoint.ts';
import { openEngine } from '../engine/engine.ts';
import { withProjectLock } from '../engine/lock.ts';
import { refuseForeignInProject, runningProject, statsEndpoint } from '../engine/project.ts';
import { interrupted, runRollout } from '../engine/rollout.ts';
import { repairHalfDone } from '../engine/rollout-repair.ts';
import { projectWorkspace } from '../engine/workspace.ts';
import { failing } from '../ui/output.ts';
import type { rolloutCommand } from './rollout.command.ts';

/**
 * Update one service of a running lab to another version. The request is checked against the
 * lab file before the engine is asked anything (exit 2, nothing changed), then against the
 * replicas that run (a batch larger than them is exit 2 too).
 */
export async function rollout(
  ctx: Context,
  opts: OptionsOf<typeof rolloutCommand> & { lab: string; service: string },
): Promise<void> {
  const loaded = loadLab(opts.lab);
  const short = shortId(loaded.lab.id);
  const project = projectFor(opts.project, () => loaded.lab.id);
  const services = labServices(loaded.lab);
  const svc = services.find((s) => s.name === opts.service);
  const request = (
    replicas: number[],
    from: string,
    current: Record<number, string> | undefined,
    batch: string | undefined,
  ): RolloutInput => ({
    service: opts.service,
    services: services.map((s) => s.name),
    to: opts.to ?? '',
    from,
    strategy: opts.strategy,
    batch,
    versions: svc?.versions,
    replicas,
    current,
  });
  // The lab file alone: service, version, strategy, --batch with recreate (the batch's range needs the replicas that run).
  planRollout(request([1], svc?.version ?? 'v1', undefined, opts.strategy === 'recreate' ? opts.batch : undefined));
  const html = opts.html === undefined ? undefined : await htmlTarget(ctx, opts.html);
  const endpoint = await resolveEndpoint(ctx.env, ctx.host);
  await withProjectLock(ctx, endpoint, project, `rollout ${opts.lab} ${opts.service} --to ${opts.to}`, async () => {
    const engine = await openEngine(ctx, endpoint);
    const [{ haproxy, apps }] = await Promise.all([
      runningProject(engine, project, short),
      refuseForeignInProject(engine, project, short),
    ]);
    const { ws, state } = await projectWorkspace(ctx, project, haproxy);
    if (!state)
      throw new UsageError(
        `The workspace of ${project} (${ws.dir}) is gone, so lab can't tell how the lab was configured`,
        { hint: `Run lab up ${short} again, then lab rollout ${short} ${opts.service} --to ${opts.to}` },
      );
    const stats = statsEndpoint(engine, haproxy, state.options);
    // A rollout left half-done (a replica Created, not running, or missing) is finished first,
    // rather than counted as done from its version label.
    const repaired = await repairHalfDone(ctx, {
      engine,
      loaded,
      ws,
      state,
      stats,
      haproxy,
      service: opts.service,
      progress: (t) => ctx.out.info(t),
    });
    if (repaired.length) ctx.out.info(`Repaired ${repaired.join(', ')}: started and UP in HAProxy`);
    const mine = (repaired.length ? (await runningProject(engine, project, short)).apps : apps).filter(
      (c) => c.service === opts.service,
    );
    // After an interrupted rollout the lab file's version is already the new one: from is what the rest still run.
    const from =
      mine.map((c) => c.version).find((v) => v !== undefined && v !== opts.to) ??
      versionOf(svc!, state.options) ??
      'v1';
    const plan = planRollout(
      request(
        mine.map((c) => c.number),
        from,
        Object.fromEntries(mine.map((c) => [c.number, c.version ?? from])),
        opts.batch,
      ),
    );
    if (mine.length !== replicasOf(state.options, opts.service))
      ctx.out.warn(
        `${opts.service} has ${mine.length} replica(s) where the lab expects ${replicasOf(state.options, opts.service)}`,
      );
    if (plan.batches.length === 0) {
      ctx.out.data({
        outcome: 'success',
        project,
        service: plan.service,
        from: plan.from,
        to: plan.to,
        strategy: plan.strategy,
        replaced: [],
        already: plan.already,
        ms: 0,
      });
      ctx.out.result(`Every replica of ${plan.service} already runs ${plan.to}: nothing to do`);
      return;
    }
    const step = ctx.out.step(
      `Rolling ${plan.service} of ${project} from ${plan.from} to ${plan.to} (${plan.strategy}${plan.strategy === 'rolling' ? `, ${plan.batches[0]!.length} at a time` : ''})`,
    );
    const t0 = performance.now();
    // With --html: HAProxy's stats once a second (the traffic a lab load beside it sends), each step of the rollout marked.
    const recording = html ? recordRun({ stats, options: state.options, backend: plan.service }) : undefined;
    const marks: Mark[] = [];
    const progress = (text: string) => {
      step.update(text);
      ctx.out.debug(`+${((performance.now() - t0) / 1000).toFixed(1)}s ${text}`);
      if (recording)
        marks.push({
          t: (performance.now() - recording.t0) / 1000,
          kind: 'state',
          label: text.length > 24 ? `${text.slice(0, 23)}…` : text,
          detail: text,
        });
    };
    const outcome = await failing(step, runRollout(ctx, { engine, loaded, ws, state, haproxy, stats, plan, progress }));
    const total = plan.batches.flat().length;
    if (outcome.interrupted) {
      step.fail(`Stopped after ${outcome.replaced.length} of ${total} replica(s)`);
      const now = (await runningProject(engine, project, short)).apps.filter((c) => c.service === plan.service);
      throw interrupted(
        plan,
        outcome.replaced.length,
        total,
        now.map((c) => ({ name: `${plan.service}/${c.number}`, version: c.version ?? '?', state: c.state })),
      );
    }
    step.succeed(`${plan.service} runs ${plan.to} on every replica (${(outcome.ms / 1000).toFixed(1)} s)`);
    ctx.out.data({
      outcome: 'success',
      project,
      service: plan.service,
      from: plan.from,
      to: plan.to,
      strategy: plan.strategy,
      batches: plan.batches,
      replaced: outcome.replaced,
      already: plan.already,
      ms: Math.round(outcome.ms),
    });
    ctx.out.result(describeRollout(plan, outcome.replaced, outcome.ms));
    if (html && recording) {
      const command = `lab rollout ${opts.lab} ${plan.service} --to ${plan.to} --strategy ${plan.strategy}${opts.batch ? ` --batch ${opts.batch}` : ''}`;
      const result = {
        name: `${plan.service} ${plan.from} → ${plan.to} [rollout]`,
        verdict: 'PASS' as const,
        reason: describeRollout(plan, outcome.replaced, outcome.ms),
        details: [],
      };
      await writeHtmlReport(ctx, html, {
        ...reportHeader(loaded.lab, project, command, ctx.env),
        ...(await recording.finish(marks)),
        results: [result],
      });
    }
    ctx.out.result(`See each replica's version: lab status ${short}`);
  });
}
