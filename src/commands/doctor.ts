import type { Context } from '../cli/context.ts';
import { EnvironmentError, EXIT, ExitError } from '../core/errors.ts';
import {
  type DoctorCheck,
  doctorChecks,
  doctorExitCode,
  doctorSummary,
  renderDoctor,
} from '../core/instructor/doctor-checks.ts';
import { swarmDoctorChecks } from '../core/swarm-doctor.ts';
import { DEFAULT_ZONE_LABEL, parseZoneLabel } from '../core/swarm.ts';
import { type NodeHosts, nodeHostsFor } from '../core/swarm-images.ts';
import type { OptionsOf } from '../cli/options.ts';
import type { doctorCommand } from './doctor.command.ts';
import { gatherDoctorFacts } from '../instructor/doctor-probe.ts';
import { failing } from '../ui/output.ts';

/**
 * Check that this machine (or --host's engine) can run labs: engine, Compose v2, images,
 * ports, disk and leftovers, each problem with the command that fixes it. Exit 0 when nothing
 * failed (warnings allowed), 3 when an environment problem was found.
 */
export async function doctor(ctx: Context, opts: OptionsOf<typeof doctorCommand> = {}): Promise<void> {
  const nodeHosts = nodeHostsFor(opts.target, opts.nodeHost, 'doctor');
  if (opts.target === 'swarm') return swarmDoctor(ctx, parseZoneLabel(opts.zoneLabel ?? DEFAULT_ZONE_LABEL), nodeHosts);
  const step = ctx.out.step('Checking the engine, Compose, images, ports, disk and leftovers');
  const facts = await failing(step, gatherDoctorFacts(ctx));
  const checks = doctorChecks(facts);
  const exitCode = doctorExitCode(checks);
  const summary = doctorSummary(checks, facts.endpoint.host);
  if (exitCode === EXIT.ok) step.succeed(summary);
  else step.fail(summary);
  ctx.out.data({
    outcome: exitCode === EXIT.ok ? 'success' : 'error',
    host: facts.endpoint.host,
    source: facts.endpoint.source,
    summary,
    checks,
  });
  ctx.out.result(summary);
  ctx.out.result(renderDoctor(checks, ctx.out.c));
  failIfFailed(ctx, checks, exitCode);
}

/** --target swarm: the swarm's manager, nodes, zone labels, images (on every node with --node-host) and ports. */
async function swarmDoctor(ctx: Context, zoneLabel: string, nodeHosts: NodeHosts | undefined): Promise<void> {
  const step = ctx.out.step('Checking the swarm: manager, nodes, zone labels, images, ports');
  const { gatherSwarmFacts } = await import('../engine/swarm-doctor.ts');
  const facts = await failing(step, gatherSwarmFacts(ctx, zoneLabel, nodeHosts));
  const checks = swarmDoctorChecks(facts);
  const exitCode = doctorExitCode(checks);
  const summary = doctorSummary(checks, facts.host);
  if (exitCode === EXIT.ok) step.succeed(summary);
  else step.fail(summary);
  ctx.out.data({
    outcome: exitCode === EXIT.ok ? 'success' : 'error',
    target: 'swarm',
    host: facts.host,
    summary,
    checks,
    nodes: facts.nodes,
  });
  ctx.out.result(summary);
  ctx.out.result(renderDoctor(checks, ctx.out.c));
  failIfFailed(ctx, checks, exitCode);
}

function failIfFailed(ctx: Context, checks: DoctorCheck[], exitCode: number): void {
  if (exitCode !== EXIT.ok) {
    const failed = checks.filter((c) => c.status === 'fail');
    const e = new EnvironmentError(
      `${failed[0]!.name}: ${failed[0]!.detail}${failed.length > 1 ? ` (and ${failed.length - 1} more problem(s))` : ''}`,
      {
        hint: failed[0]!.fix,
      },
    );
    throw ctx.out.json ? new ExitError(e) : e;
  }
}
