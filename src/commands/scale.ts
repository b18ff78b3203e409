import type { Context } from '../cli/context.ts';
import type { OptionsOf } from '../cli/options.ts';
import { type LoadedLab, loadLab } from '../config/labs.ts';
import { UsageError } from '../core/errors.ts';
import { shortId } from '../core/lab-id.ts';
import { parseTimeout, projectFor } from '../core/options.ts';
import { parseScale, withCounts } from '../core/scale-request.ts';
import { describeReplicas, replicaCounts, serviceNames } from '../core/services.ts';
import { type Endpoint, resolveEndpoint } from '../docker/endpoint.ts';
import { confirmConfig } from '../engine/confirm-config.ts';
import { converge } from '../engine/converge.ts';
import { isLocalEngine, openEngine } from '../engine/engine.ts';
import { withProjectLock } from '../engine/lock.ts';
import { refuseForeignInProject, runningProject } from '../engine/project.ts';
import { waitForReplicasUp } from '../engine/readiness.ts';
import { projectWorkspace } from '../engine/workspace.ts';
import { failing } from '../ui/output.ts';
import type { scaleCommand } from './scale.command.ts';

/** What happened to HAProxy in a scale: only a scale-out past the slots needs more of them. Pure. */
export function scaleNote(from: number, to: number, cfgChanged: boolean, recreated: boolean): string {
  if (!cfgChanged) return 'no HAProxy restart';
  const slots = to > from ? 'more server slots' : 'fewer server slots';
  return recreated ? `HAProxy recreated for ${slots}` : `config reloaded for ${slots}`;
}

/**
 * Change the replica count of a running lab. HAProxy finds new replicas through DNS within its
 * server-template slots, so nothing restarts; beyond the slots it reloads (hitless).
 */
export async function scale(
  ctx: Context,
  opts: OptionsOf<typeof scaleCommand> & { lab: string; replicas: string[] },
): Promise<void> {
  const timeoutMs = parseTimeout(opts.timeout, 60);
  const loaded = loadLab(opts.lab);
  const project = projectFor(opts.project, () => loaded.lab.id);
  const short = shortId(loaded.lab.id);
  const names = serviceNames(loaded.lab);
  const counts = parseScale(opts.replicas, names, short);
  const asked = Object.entries(counts)
    .map(([s, n]) => (names.length > 1 ? `${s}=${n}` : String(n)))
    .join(' ');
  const endpoint = await resolveEndpoint(ctx.env, ctx.host);
  if (opts.target === 'swarm')
    return scaleSwarm(ctx, { endpoint, loaded, project, replicas: counts[names[0]!]!, timeoutMs, ref: opts.lab });
  await withProjectLock(ctx, endpoint, project, `scale ${opts.lab} ${asked}`, async () => {
    const engine = await openEngine(ctx, endpoint);
    const [{ haproxy, apps }] = await Promise.all([
      runningProject(engine, project, short),
      refuseForeignInProject(engine, project, short),
    ]);
    const { ws, state } = await projectWorkspace(ctx, project, haproxy);
    if (!state)
      throw new UsageError(`The workspace of ${project} (${ws.dir}) is gone`, {
        hint: `Run lab up ${short} to render it again, then lab scale ${short} ${asked}`,
      });
    const options = withCounts(state.options, counts, names);
    const expected = replicaCounts(loaded.lab, options);
    const each = expected.map((e) => ({
      service: e.service,
      from: apps.filter((a) => a.service === e.service).length,
      to: e.replicas,
    }));
    const from = each.reduce((n, e) => n + e.from, 0);
    const replicas = each.reduce((n, e) => n + e.to, 0);
    const step = ctx.out.step(`Scaling ${project} from ${from} to ${describeReplicas(expected)}`);
    const t0 = performance.now();
    // onlyReplicas: compose only adds or removes app replicas; HAProxy keeps running.
    const { cfgChanged, configId } = await failing(
      step,
      converge(ctx, engine, { loaded, options, ws, pull: 'never', onlyReplicas: true }),
    );
    // A remote HAProxy has its config copied in: compose recreated it for more server slots.
    const recreated = !isLocalEngine(engine.endpoint) && cfgChanged;
    step.update(`Waiting for HAProxy to see ${describeReplicas(expected)} UP`);
    // Reloads a kept HAProxy whose file changed and confirms it runs it; a recreated one is a
    // new container, with new ports when they were "auto".
    const deadline = performance.now() + timeoutMs;
    const { stats } = await failing(
      step,
      confirmConfig(ctx, engine, {
        project,
        composeFile: ws.composeFile,
        cfgFiles: [ws.labCfg, ws.haproxyCfg],
        options,
        expected: configId,
        before: [haproxy],
        cfgChanged,
        deadline,
        timeoutMs,
        progress: step,
      }),
    );
    const ready = await failing(
      step,
      waitForReplicasUp(engine, {
        stats,
        project,
        expected,
        timeoutMs: Math.max(0, deadline - performance.now()),
        limitMs: timeoutMs,
        progress: step,
        signal: ctx.signal,
      }),
    );
    const ms = performance.now() - t0;
    step.succeed(
      `HAProxy has ${describeReplicas(expected)} UP (${Math.round(ms)} ms, ${scaleNote(from, replicas, cfgChanged, recreated)})`,
    );
    ctx.out.data({
      outcome: 'success',
      project,
      from,
      to: replicas,
      services: each,
      reloaded: cfgChanged,
      ms: Math.round(ms),
      servers: ready.servers.filter((s) => s.state === 'UP').map((s) => ({ server: s.svname, addr: s.addr })),
    });
    ctx.out.result(
      `${project}: ${each.map((e) => `${names.length > 1 ? `${e.service} ` : ''}${e.from} → ${e.to}`).join(', ')} replica(s). Watch them on the stats page, or run lab check ${short}.`,
    );
  });
}

/** --target swarm: `docker service scale` of the stack's app (or a redeploy past HAProxy's slots), then every node's HAProxy sees them UP. */
async function scaleSwarm(
  ctx: Context,
  r: { endpoint: Endpoint; loaded: LoadedLab; project: string; replicas: number; timeoutMs: number; ref: string },
): Promise<void> {
  const { scaleSwarmLab } = await import('../engine/swarm-scale.ts');
  const s = await withProjectLock(ctx, r.endpoint, r.project, `scale ${r.ref} ${r.replicas} --target swarm`, () =>
    scaleSwarmLab(ctx, r.endpoint, r.loaded, r.project, r.replicas, r.timeoutMs),
  );
  ctx.out.data({
    outcome: 'success',
    target: 'swarm',
    project: r.project,
    from: s.from,
    to: s.to,
    how: s.how,
    replicasPerZone: s.perZone,
    ms: Math.round(s.ms),
  });
  const zones = Object.entries(s.perZone)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([z, n]) => `${z}: ${n}`)
    .join(', ');
  ctx.out.result(
    `${r.project}: ${s.from} → ${s.to} replica(s) on the swarm (${zones}). See them with lab status ${shortId(r.loaded.lab.id)} --target swarm.`,
  );
}
