import type { Context } from '../cli/context.ts';
import { ExitError, RuntimeError, UsageError } from '../core/errors.ts';
import type { WorkspaceCleanup } from '../core/workspace-files.ts';
import { executeReset, gatherReset, workspaceCleanups, type ResetOutcome } from '../instructor/reset-engine.ts';
import { describePlan, planReset, planSize, type ResetPlan } from '../core/instructor/reset-plan.ts';
import { askYesNo, canAsk } from '../ui/prompt.ts';
import { openEngine } from '../engine/engine.ts';
import { basename } from 'node:path';
import { withProjectLocks } from '../engine/lock.ts';
import { failing } from '../ui/output.ts';
import type { OptionsOf } from '../cli/options.ts';
import type { resetCommand } from './reset.command.ts';

export type ResetOptions = OptionsOf<typeof resetCommand>;

/**
 * Remove everything lab created on an engine: its containers, networks and volumes (by
 * core/labels.ts ownedByLab), the files it wrote in its workspaces (a folder only when lab
 * made it and nothing else is in it), and with --images the images lab built or the labs
 * name, unless a non-lab container uses them. Anything else is left alone, whatever its name.
 */
export async function reset(ctx: Context, opts: ResetOptions = {}, ask = askYesNo): Promise<void> {
  const { out } = ctx;
  const interactive = canAsk(out.stderr);
  if (opts.target === 'swarm' && opts.images) {
    throw new UsageError('--images is not supported with --target swarm: each node keeps its images', {
      hint: 'Remove them node by node: lab --host <node> reset --images',
    });
  }
  // Checked before anything is read, so a script without --yes fails the same way every time.
  if (!opts.dryRun && !opts.yes && !interactive) {
    throw new UsageError(
      'lab reset deletes every lab container, network and volume, and the files lab wrote in its workspaces; not on a terminal, it needs --yes',
      {
        hint: `See what would go: lab reset --dry-run${opts.images ? ' --images' : ''}; then: lab reset --yes${opts.images ? ' --images' : ''}`,
      },
    );
  }
  if (opts.target === 'swarm') return resetSwarm(ctx, opts, ask);
  const engine = await openEngine(ctx);
  const look = out.step(
    `Looking for lab's containers, networks, volumes${opts.images ? ', images' : ''} and workspaces`,
  );
  const plan = planReset(await failing(look, gatherReset(engine.docker, ctx.env, Boolean(opts.images))));
  const workspaces = await workspaceCleanups(plan.workspaces, ctx.env);
  look.succeed(`Found ${planSize(plan, workspaces.length)} lab object(s) on ${engine.endpoint.host}`);
  const lines = describePlan(plan, workspaces);

  if (planSize(plan, workspaces.length) === 0) {
    report(
      ctx,
      plan,
      [],
      { removed: { containers: [], networks: [], volumes: [], images: [], workspaces: [] }, failed: [] },
      Boolean(opts.dryRun),
    );
    out.result(`Nothing to remove: no lab objects on ${engine.endpoint.host}.`);
    return;
  }
  if (opts.dryRun) {
    report(ctx, plan, workspaces, asIfRemoved(plan, workspaces), true);
    out.result(`Would remove (dry run, nothing was deleted):\n${lines.join('\n')}`);
    return;
  }
  if (!opts.yes) {
    out.info(`This removes:\n${lines.join('\n')}`);
    if (!(await ask(`Remove these ${planSize(plan, workspaces.length)} object(s)?`, ctx.signal))) {
      throw new UsageError('Nothing removed (not confirmed)', { hint: 'Pass --yes to remove without asking' });
    }
  }
  const step = out.step('Removing');
  // Each project's lock, so reset never pulls a lab from under a running up, check or drill.
  const projects = [...plan.containers, ...plan.networks, ...plan.volumes]
    .map((o) => o.project)
    .concat(workspaces.map((w) => basename(w.dir)))
    .filter(Boolean);
  const outcome = await failing(
    step,
    withProjectLocks(ctx, engine.endpoint, projects, 'reset', () =>
      executeReset(engine.docker, plan, workspaces, (t) => step.update(t)),
    ),
  );
  const n = Object.values(outcome.removed).reduce((sum, list) => sum + list.length, 0);
  if (outcome.failed.length) step.fail(`Removed ${n} object(s); ${outcome.failed.length} could not be removed`);
  else step.succeed(`Removed ${n} object(s)`);
  report(ctx, plan, workspaces, outcome, false);
  out.result(
    `Removed:\n${describePlan(
      onlyRemoved(plan, outcome),
      workspaces.filter((w) => outcome.removed.workspaces.includes(w.dir)),
    ).join('\n')}`,
  );
  if (outcome.failed.length) {
    const e = new RuntimeError(`${outcome.failed.length} object(s) could not be removed`, {
      details: outcome.failed.map((f) => `${f.kind} ${f.name}: ${f.error}`),
      hint: 'A non-lab container may still use a lab network or volume; see docker ps -a, then run lab reset again',
    });
    throw out.json ? new ExitError(e) : e;
  }
}

const asIfRemoved = (plan: ResetPlan, workspaces: WorkspaceCleanup[]): ResetOutcome => ({
  removed: {
    containers: plan.containers.map((c) => c.name),
    networks: plan.networks.map((n) => n.name),
    volumes: plan.volumes.map((v) => v.name),
    images: plan.images.flatMap((i) => i.refs),
    workspaces: workspaces.map((w) => w.dir),
  },
  failed: [],
});

/** The plan narrowed to what was really removed, for the closing list. */
function onlyRemoved(plan: ResetPlan, o: ResetOutcome): ResetPlan {
  const gone = (kind: keyof ResetOutcome['removed'], name: string) => o.removed[kind].includes(name);
  return {
    ...plan,
    containers: plan.containers.filter((c) => gone('containers', c.name)),
    networks: plan.networks.filter((n) => gone('networks', n.name)),
    volumes: plan.volumes.filter((v) => gone('volumes', v.name)),
    images: plan.images
      .map((i) => ({ ...i, refs: i.refs.filter((r) => gone('images', r)) }))
      .filter((i) => i.refs.length),
  };
}

function report(
  ctx: Context,
  plan: ResetPlan,
  workspaces: WorkspaceCleanup[],
  outcome: ResetOutcome,
  dryRun: boolean,
): void {
  ctx.out.data({
    outcome: outcome.failed.length ? 'error' : 'success',
    dryRun,
    removed: outcome.removed,
    // In each workspace: the files lab wrote, and whether the folder goes or stays and why.
    workspaces: workspaces.map((w) => ({
      dir: w.dir,
      files: [...w.files, ...w.folders.map((f) => `${f}/`)],
      folderRemoved: w.removeFolder,
      ...(w.keep ? { folderKept: w.keep } : {}),
    })),
    kept: plan.kept.map((k) => ({ kind: 'image', ...k })),
    failed: outcome.failed,
  });
}

/** --target swarm: every stack lab deployed on the swarm (all of it lab's), and the lab files of its workspace. */
async function resetSwarm(ctx: Context, opts: ResetOptions, ask: typeof askYesNo): Promise<void> {
  const { gatherSwarmReset, executeSwarmReset } = await import('../engine/swarm-reset.ts');
  const { engine, plan, workspaces } = await gatherSwarmReset(ctx);
  const lines = [
    ...plan.stacks.map((s) => `  stack ${s.project}: ${[...s.services, ...s.others].join(', ')}`),
    ...workspaces.map((w) => `  workspace ${w.dir}: ${w.files.join(', ')}${w.removeFolder ? ' (and the folder)' : ''}`),
    ...plan.kept.map((k) => `  kept: stack ${k.project} (${k.name}: ${k.why})`),
  ];
  const data = (removed: { stacks: string[]; workspaces: string[] }, dryRun: boolean) =>
    ctx.out.data({ outcome: 'success', target: 'swarm', dryRun, removed, kept: plan.kept });
  if (plan.stacks.length === 0) {
    data({ stacks: [], workspaces: [] }, Boolean(opts.dryRun));
    ctx.out.result(
      `Nothing to remove: no lab stacks on the swarm at ${engine.endpoint.host}.${plan.kept.length ? `\n${lines.join('\n')}` : ''}`,
    );
    return;
  }
  if (opts.dryRun) {
    data({ stacks: plan.stacks.map((s) => s.project), workspaces: workspaces.map((w) => w.dir) }, true);
    ctx.out.result(`Would remove (dry run, nothing was deleted):\n${lines.join('\n')}`);
    return;
  }
  if (!opts.yes) {
    ctx.out.info(`This removes:\n${lines.join('\n')}`);
    if (!(await ask(`Remove these ${plan.stacks.length} stack(s)?`, ctx.signal)))
      throw new UsageError('Nothing removed (not confirmed)', { hint: 'Pass --yes to remove without asking' });
  }
  const removed = await executeSwarmReset(ctx, engine, plan, workspaces);
  data(removed, false);
  ctx.out.result(`Removed:\n${lines.filter((l) => !l.startsWith('  kept')).join('\n')}`);
}
