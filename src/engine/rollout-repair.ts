import type { Context } from '../cli/context.ts';
import type { LoadedLab } from '../config/labs.ts';
import { replicasOf } from '../core/services.ts';
import { type LabContainer, labContainers } from '../docker/engine.ts';
import type { StatsEndpoint } from '../haproxy/stats-client.ts';
import { converge } from './converge.ts';
import type { Engine } from './engine.ts';
import { newReplicaListens, waitChecked } from './rollout.ts';
import type { Workspace, WorkspaceState } from './workspace.ts';

/**
 * A rollout found half-done: a replica Created but never started, or missing, as a rollout
 * cancelled inside `docker compose up` (lab killed, or an older lab whose Compose got the
 * user's Ctrl-C) leaves it. Its lab.version label already names the new version, so the plan
 * would count it as done: first `up --no-recreate` (starts what is Created, creates what is
 * missing, from the compose file of lab.json's versions, leaves running replicas alone) and
 * wait until HAProxy has each one UP with a passed health check. Returns the replicas repaired.
 */
export async function repairHalfDone(
  ctx: Context,
  r: {
    engine: Engine;
    loaded: LoadedLab;
    ws: Workspace;
    state: WorkspaceState;
    stats: StatsEndpoint;
    haproxy: LabContainer;
    service: string;
    progress: (text: string) => void;
  },
): Promise<string[]> {
  const mine = async () =>
    (await labContainers(r.engine.docker, r.state.options.project)).filter((c) => c.service === r.service);
  const before = await mine();
  const stalled = before.filter((c) => c.state !== 'running');
  const missing =
    replicasOf(r.state.options, r.service) - before.filter((c) => c.state === 'running').length - stalled.length;
  if (!stalled.length && missing <= 0) return [];
  r.progress(
    `${r.service}: ${[...stalled.map((c) => `${c.name} is ${c.state}`), ...(missing > 0 ? [`${missing} replica(s) missing`] : [])].join(', ')} (an interrupted rollout): repairing`,
  );
  // Like a rollout's batch, this runs to its end: Ctrl-C is honoured once every replica serves.
  const unstoppable = { ...ctx, signal: new AbortController().signal };
  await converge(unstoppable, r.engine, {
    loaded: r.loaded,
    options: r.state.options,
    ws: r.ws,
    pull: 'never',
    onlyReplicas: true,
    ownGroup: true,
  });
  const after = (await mine()).filter((c) => c.state === 'running');
  const repaired: LabContainer[] = after.filter((c) => !before.some((b) => b.id === c.id && b.state === 'running'));
  await waitChecked(r.stats, repaired, newReplicaListens(r.engine, r.haproxy, r.loaded, r.service));
  return repaired.map((c) => c.name);
}
