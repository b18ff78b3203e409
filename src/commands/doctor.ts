import type { Context } from '../cli/context.ts';
import { EnvironmentError, EXIT, ExitError } from '../core/errors.ts';
import { doctorChecks, doctorExitCode, doctorSummary, renderDoctor } from '../core/instructor/doctor-checks.ts';
import { gatherDoctorFacts } from '../instructor/doctor-probe.ts';
import { failing } from '../ui/output.ts';

/**
 * Check that this machine (or --host's engine) can run labs: engine, Compose v2, images,
 * ports, disk and leftovers, each problem with the command that fixes it. Exit 0 when nothing
 * failed (warnings allowed), 3 when an environment problem was found.
 */
export async function doctor(ctx: Context): Promise<void> {
  const step = ctx.out.step('Checking the engine, Compose, images, ports, disk and leftovers');
  const facts = await failing(step, gatherDoctorFacts(ctx));
  const checks = doctorChecks(facts);
  const exitCode = doctorExitCode(checks);
  const summary = doctorSummary(checks, facts.endpoint.host);
  if (exitCode === EXIT.ok) step.succeed(summary);
  else step.fail(summary);
  ctx.out.data({ outcome: exitCode === EXIT.ok ? 'success' : 'error', host: facts.endpoint.host, source: facts.endpoint.source, summary, checks });
  ctx.out.result(summary);
  ctx.out.result(renderDoctor(checks, ctx.out.c));
  if (exitCode !== EXIT.ok) {
    const failed = checks.filter((c) => c.status === 'fail');
    const e = new EnvironmentError(`${failed[0]!.name}: ${failed[0]!.detail}${failed.length > 1 ? ` (and ${failed.length - 1} more problem(s))` : ''}`, {
      hint: failed[0]!.fix,
    });
    throw ctx.out.json ? new ExitError(e) : e;
  }
}
