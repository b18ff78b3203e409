import type { Context } from '../cli/context.ts';
import type { OptionsOf } from '../cli/options.ts';
import { loadLab } from '../config/labs.ts';
import { serviceNames } from '../core/services.ts';
import { checkService, parseFaultRequest, pickReplica } from '../core/fault-request.ts';
import { projectFor } from '../core/options.ts';
import { mapBounded } from '../core/pool.ts';
import { DOCKER_API_CONCURRENCY } from '../docker/engine.ts';
import { openEngine } from '../engine/engine.ts';
import { applyFault } from '../engine/faults.ts';
import { runningProject } from '../engine/project.ts';
import { failing } from '../ui/output.ts';
import type { faultCommand } from './fault.command.ts';

/**
 * Inject a fault into one replica of a running lab, or clear it. The arguments are checked
 * before lab touches anything (exit 2); only containers lab owns are ever chosen.
 */
export async function fault(
  ctx: Context,
  opts: OptionsOf<typeof faultCommand> & { lab: string; target: string; spec: string },
): Promise<void> {
  const req = parseFaultRequest(opts.target, opts.spec, opts.for);
  const loaded = loadLab(opts.lab);
  // The lab file names its services: a typo is refused before the engine is asked anything.
  checkService(req.service, serviceNames(loaded.lab));
  const project = projectFor(opts.project, () => loaded.lab.id);
  const ref = opts.lab;
  const engine = await openEngine(ctx);
  const { all } = await runningProject(engine, project, ref);
  const replicas = all.filter((c) => c.service === req.service);
  // clear without a replica clears them all; anything else hits one replica.
  const targets =
    req.fault.kind === 'clear' && req.replica === undefined
      ? replicas
      : [replicas.find((c) => c.number === pickReplica(req, replicas))!];
  if (req.replica === undefined && req.fault.kind !== 'clear')
    ctx.out.info(`No replica given: picked ${req.service}/${targets[0]!.number} (${targets[0]!.name})`);
  const what =
    req.fault.kind === 'clear'
      ? 'Clearing faults of'
      : `Injecting ${opts.spec}${req.seconds === undefined ? '' : ` for ${req.seconds} s`} into`;
  const step = ctx.out.step(`${what} ${targets.map((t) => `${t.service}/${t.number}`).join(', ')}`);
  const results = await failing(
    step,
    mapBounded(targets, DOCKER_API_CONCURRENCY, (c) => applyFault(engine, c, req.fault, req.seconds)),
  );
  step.succeed();
  ctx.out.data({
    outcome: 'success',
    project,
    fault: { ...req.fault, seconds: req.seconds ?? null },
    replicas: results.map(({ container, service, replica, state, app, faults }) => ({
      container,
      service,
      replica,
      state,
      appFaults: app,
      faults,
    })),
  });
  for (const r of results)
    ctx.out.result(
      `${r.service}/${r.replica} (${r.container}): ${r.faults.length ? r.faults.join(', ') : 'no faults'}`,
    );
  if (req.fault.kind !== 'clear')
    ctx.out.result(
      `Watch HAProxy react: lab status ${ref}. Undo: lab fault ${ref} ${req.service}/${results[0]!.replica} clear`,
    );
}
