import { loadLab } from '../config/labs.ts';
import type { Context } from '../context.ts';
import { parseReplicas, projectFor } from '../core/options.ts';
import { runCompose } from '../docker/compose.ts';
import { resolveEndpoint } from '../docker/endpoint.ts';
import { confirmConfig } from '../haproxy/confirm-config.ts';
import { withProjectLock } from '../lock.ts';
import { buildArgs, isLocalEngine, openEngine, refuseForeignInProject, runningProject, statsEndpoint, waitForReplicasUp } from '../runtime.ts';
import { projectWorkspace, writeWorkspace } from '../workspace.ts';
import { parseTimeout } from './up.ts';
import { UsageError } from '../errors.ts';
import { failing } from '../ui/output.ts';

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
export async function scale(ctx: Context, opts: { lab: string; replicas: string; project?: string; timeout?: string }): Promise<void> {
  const replicas = parseReplicas(opts.replicas, '<replicas>');
  const timeoutMs = parseTimeout(opts.timeout, 60);
  const loaded = loadLab(opts.lab);
  const project = projectFor(opts.project, () => loaded.lab.id);
  const short = loaded.lab.id.slice(0, 2);
  const endpoint = await resolveEndpoint(ctx.env, ctx.host);
  await withProjectLock(ctx, endpoint, project, `scale ${opts.lab} ${replicas}`, async () => {
    const engine = await openEngine(ctx, endpoint);
    const [{ haproxy, apps }] = await Promise.all([runningProject(engine, project, short), refuseForeignInProject(engine, project, short)]);
    const { ws, state } = await projectWorkspace(ctx, project, haproxy);
    if (!state) throw new UsageError(`The workspace of ${project} (${ws.dir}) is gone`, { hint: `Run lab up ${short} --replicas ${replicas} to render it again` });
    const options = { ...state.options, replicas };
    const from = apps.length;
    const step = ctx.out.step(`Scaling ${project} from ${from} to ${replicas} replica(s)`);
    const t0 = performance.now();
    const remote = !isLocalEngine(engine.endpoint);
    const { cfgChanged, configId } = await writeWorkspace(ws, loaded, options, remote);
    // A remote HAProxy has its config copied in, not mounted: more slots need a new container.
    const recreate = remote && cfgChanged;
    // --no-recreate: only add or remove app replicas; HAProxy keeps running.
    const args = ['up', '--detach', ...(recreate ? [] : ['--no-recreate']), '--pull', 'never', ...(await buildArgs(engine, loaded, options))];
    await failing(step, runCompose(engine.endpoint, { project, file: ws.composeFile }, args, ctx));
    step.update(`Waiting for HAProxy to see ${replicas} replica(s) UP`);
    // Reloads a kept HAProxy whose file changed and confirms it runs it; a recreated one is a
    // new container, with new ports when they were "auto".
    const deadline = performance.now() + timeoutMs;
    const { stats } = await failing(step, confirmConfig(ctx, engine, { project, composeFile: ws.composeFile, options, expected: configId, before: [haproxy], cfgChanged, deadline, timeoutMs, progress: step }));
    const ready = await failing(step, waitForReplicasUp(engine, { stats, project, replicas, timeoutMs: Math.max(0, deadline - performance.now()), progress: step, signal: ctx.signal }));
    const ms = performance.now() - t0;
    step.succeed(`HAProxy has ${replicas} replica(s) UP (${Math.round(ms)} ms, ${scaleNote(from, replicas, cfgChanged, recreate)})`);
    ctx.out.data({ outcome: 'success', project, from, to: replicas, reloaded: cfgChanged, ms: Math.round(ms), servers: ready.servers.filter((s) => s.state === 'UP').map((s) => ({ server: s.svname, addr: s.addr })) });
    ctx.out.result(`${project}: ${from} → ${replicas} replica(s). Watch them on the stats page, or run lab check ${short}.`);
  });
}
