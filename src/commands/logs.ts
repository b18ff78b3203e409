import { execa } from 'execa';
import { findLab, loadLab } from '../config/labs.ts';
import { serviceNames } from '../core/services.ts';
import type { Context } from '../cli/context.ts';
import { projectFor } from '../core/options.ts';
import { composeArgv } from '../docker/compose.ts';
import { InterruptedError, UsageError } from '../core/errors.ts';
import type { OptionsOf } from '../cli/options.ts';
import type { logsCommand } from './logs.command.ts';
import { labContainers } from '../docker/engine.ts';
import { type Engine, openEngine } from '../engine/engine.ts';
import { DEFAULT_ZONE_LABEL, refuseProblems, swarmProblems } from '../core/swarm.ts';
import { serviceLogs, stackServices, swarmRole } from '../docker/swarm.ts';

/** Logs of a lab's containers, through compose (which finds them by its project label). */
export async function logs(
  ctx: Context,
  opts: OptionsOf<typeof logsCommand> & { lab: string; service?: string },
): Promise<void> {
  if (opts.tail !== undefined && !/^([0-9]+|all)$/.test(opts.tail))
    throw new UsageError(`--tail must be a number of lines or "all", got "${opts.tail}"`);
  if (opts.service !== undefined) {
    // The lab's app services (app, or web, api, ...) and HAProxy.
    const services = [...serviceNames(loadLab(opts.lab).lab), 'haproxy'];
    if (!services.includes(opts.service))
      throw new UsageError(`Unknown service "${opts.service}"`, { hint: `Allowed values: ${services.join(', ')}` });
  }
  const project = projectFor(opts.project, () => findLab(opts.lab).id);
  const engine = await openEngine(ctx);
  if (opts.target === 'swarm') return swarmLogs(ctx, engine, project, opts);
  const { endpoint } = engine;
  // compose prints nothing and exits 0 for a project without containers (also with --follow,
  // which then returns at once): say that the lab is not running, and how to start it.
  const ref = opts.project === undefined ? opts.lab : `${opts.lab} -p ${project}`;
  if ((await labContainers(engine.docker, project)).length === 0) {
    throw new UsageError(`Lab ${ref} is not running (no containers of project ${project}), so it has no logs`, {
      hint: `Start it with: lab up ${ref}`,
    });
  }
  const args = [
    'logs',
    '--no-color',
    '--tail',
    opts.tail ?? '100',
    ...(opts.follow ? ['--follow'] : []),
    ...(opts.service ? [opts.service] : []),
  ];
  const r = await execa('docker', composeArgv({ project }, args), {
    env: endpoint.env,
    // Only --follow streams straight through; otherwise lab must see whether any line came.
    stdout: ctx.out.json || !opts.follow ? 'pipe' : 'inherit',
    stderr: 'pipe',
    reject: false,
    cancelSignal: ctx.signal,
  });
  if (r.isCanceled) {
    if (opts.follow) return; // Ctrl-C is how --follow ends
    throw new InterruptedError();
  }
  const stderr = String(r.stderr ?? '');
  if (r.failed)
    throw new UsageError(`No logs for ${project}: ${stderr.trim().split('\n').pop() ?? ''}`, {
      hint: `Is it running? Try lab status`,
    });
  if (ctx.out.json) ctx.out.data({ outcome: 'success', project, lines: String(r.stdout).split('\n').filter(Boolean) });
  else if (!opts.follow) {
    const text = String(r.stdout ?? '');
    if (text.trim()) ctx.out.result(text.replace(/\n$/, ''));
    else if (!stderr) ctx.out.result(`${project} has no logs`);
  }
}

/** --target swarm: `docker service logs` of the stack's services (app and haproxy, or the one named), their tasks on every node. */
async function swarmLogs(
  ctx: Context,
  engine: Engine,
  project: string,
  opts: { lab: string; service?: string; tail?: string; follow?: boolean },
): Promise<void> {
  const role = await swarmRole(engine.docker);
  if (role !== 'manager')
    refuseProblems(
      swarmProblems({ host: engine.endpoint.host, swarm: role, nodes: [], zoneLabel: DEFAULT_ZONE_LABEL }),
    );
  const { owned } = await stackServices(engine.docker, project);
  const chosen = owned
    .filter((s) => opts.service === undefined || s.service === opts.service)
    .sort((a, b) => a.service.localeCompare(b.service));
  if (chosen.length === 0) {
    throw new UsageError(
      `Lab ${opts.lab} is not deployed on the swarm (no ${opts.service ?? ''}${opts.service ? ' ' : ''}service of stack ${project}), so it has no logs`,
      { hint: `Start it with: lab up ${opts.lab} --target swarm` },
    );
  }
  const o = {
    tail: opts.tail ?? '100',
    follow: Boolean(opts.follow),
    inherit: Boolean(opts.follow) && !ctx.out.json,
    signal: ctx.signal,
    out: ctx.out,
  };
  // --follow streams every service at once; otherwise one service after the other.
  const runs = o.follow ? await Promise.all(chosen.map((s) => serviceLogs(engine.endpoint, s.name, o))) : [];
  if (!o.follow) for (const s of chosen) runs.push(await serviceLogs(engine.endpoint, s.name, o));
  if (runs.some((r) => r.canceled)) {
    if (o.follow) return;
    throw new InterruptedError();
  }
  const lines = runs.flatMap((r) => r.stdout.split('\n').filter(Boolean));
  if (ctx.out.json)
    ctx.out.data({ outcome: 'success', target: 'swarm', project, services: chosen.map((s) => s.service), lines });
  else if (!o.follow) ctx.out.result(lines.length ? lines.join('\n') : `${project} has no logs`);
}
