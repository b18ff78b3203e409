import { findLab } from '../config/labs.ts';
import type { Context } from '../cli/context.ts';
import { projectFor } from '../core/options.ts';
import { resolveEndpoint } from '../docker/endpoint.ts';
import { removeProject } from '../docker/engine.ts';
import { withProjectLock } from '../engine/lock.ts';
import { openEngine } from '../engine/engine.ts';
import { failing } from '../ui/output.ts';
import type { OptionsOf } from '../cli/options.ts';
import type { downCommand } from './down.command.ts';
import { pickLanguage } from '../core/localized.ts';
import { messages } from '../i18n/index.ts';

/**
 * Remove everything a lab's project created, found by lab's labels: it needs neither the lab
 * file nor the workspace, so it works after either changed or vanished. The workspace is kept
 * for reading; `lab reset` removes workspaces.
 */
export async function down(ctx: Context, opts: OptionsOf<typeof downCommand> & { lab: string }): Promise<void> {
  const m = messages(pickLanguage(opts.lang, ctx.env)).down;
  const project = projectFor(opts.project, () => labIdOf(opts.lab));
  const endpoint = await resolveEndpoint(ctx.env, ctx.host);
  if (opts.target === 'swarm') {
    const { stopSwarmLab } = await import('../engine/swarm-down.ts');
    const removed = await withProjectLock(ctx, endpoint, project, `down ${opts.lab} --target swarm`, () =>
      stopSwarmLab(ctx, endpoint, project),
    );
    const running = removed.services.length + removed.others.length > 0;
    ctx.out.data({
      outcome: 'success',
      target: 'swarm',
      project,
      running,
      removed: { services: removed.services, others: removed.others },
      onDownNodes: removed.onDownNodes,
      timingsMs: { down: Math.round(removed.ms) },
    });
    ctx.out.result(running ? m.isDown({ project }) : m.notDeployed({ project }));
    return;
  }
  await withProjectLock(ctx, endpoint, project, `down ${opts.lab}`, async () => {
    const engine = await openEngine(ctx, endpoint);
    const step = ctx.out.step(m.removing({ project }));
    const removed = await failing(step, removeProject(engine.docker, project));
    const n = removed.containers.length;
    if (n === 0 && removed.networks.length === 0 && removed.volumes.length === 0) {
      step.stop();
      ctx.out.data({ outcome: 'success', project, running: false, removed });
      ctx.out.result(m.notRunning({ project }));
      return;
    }
    step.succeed(
      m.removed({ containers: n, networks: removed.networks.length, volumes: removed.volumes.length, project }),
    );
    ctx.out.data({ outcome: 'success', project, running: true, removed });
    ctx.out.result(m.isDown({ project }));
  });
}

/** The lab id for a reference; a lab whose file is gone can still be named by its full id. */
function labIdOf(ref: string): string {
  try {
    return findLab(ref).id;
  } catch (e) {
    if (/^[0-9]{2}-[a-z0-9-]+$/.test(ref)) return ref;
    throw e;
  }
}
