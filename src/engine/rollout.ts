import type { Context } from '../cli/context.ts';
import type { LoadedLab } from '../config/labs.ts';
import { InterruptedError, RuntimeError } from '../core/errors.ts';
import { addrIp, type ServerStat, serverState } from '../core/haproxy-servers.ts';
import type { ReplicaRollout, RolloutPlan } from '../core/rollout-plan.ts';
import { type LabContainer, labContainers } from '../docker/engine.ts';
import { setServerState } from '../haproxy/runtime-api.ts';
import { acceptsFromHaproxy } from '../haproxy/master-cli.ts';
import { labServices } from '../core/services.ts';
import { readStats, type StatsEndpoint } from '../haproxy/stats-client.ts';
import { composeUpArgs } from '../core/compose-up-args.ts';
import { runCompose } from '../docker/compose.ts';
import { converge } from './converge.ts';
import { type Engine, isLocalEngine } from './engine.ts';
import { buildFlag } from './project.ts';
import { type Workspace, type WorkspaceState, writeWorkspace } from './workspace.ts';

/**
 * lab rollout on the engine (the plan is core/rollout-plan.ts). rolling, batch by batch: drain
 * the batch's servers through HAProxy's runtime API, wait until their sessions end, remove the
 * old containers, let compose create their replacements from the compose file that now names
 * the new version (`up --no-recreate`: the other replicas stay as they are), and wait until
 * HAProxy's stats show each new replica UP with a passed health check. recreate: what a plain
 * `docker compose up` does after the version changed: every replica replaced at once.
 */

export interface RolloutRun {
  engine: Engine;
  loaded: LoadedLab;
  ws: Workspace;
  state: WorkspaceState;
  haproxy: LabContainer;
  stats: StatsEndpoint;
  plan: RolloutPlan;
  /** Progress lines ("app/2: draining app1"). */
  progress: (text: string) => void;
}

export interface RolloutOutcome {
  replaced: ReplicaRollout[];
  ms: number;
  /** Ctrl-C stopped the rollout between batches: the replicas listed in `replaced` are on the new version, the rest on the old. */
  interrupted: boolean;
}

/** How long drained sessions may take to end, and a new replica to pass its health check. */
const DRAIN_TIMEOUT_MS = 15_000;
const READY_TIMEOUT_MS = 60_000;
const POLL_MS = 150;

export async function runRollout(ctx: Context, r: RolloutRun): Promise<RolloutOutcome> {
  const t0 = performance.now();
  const { plan } = r;
  const options = {
    ...r.state.options,
    serviceVersions: { ...r.state.options.serviceVersions, [plan.service]: plan.to },
  };
  const replaced: ReplicaRollout[] = [];
  for (const batch of plan.batches) {
    if (ctx.signal.aborted) return { replaced, ms: performance.now() - t0, interrupted: true };
    const before = (await labContainers(r.engine.docker, r.state.options.project)).filter(
      (c) => c.service === plan.service,
    );
    const old = batch.map((n) => before.find((c) => c.number === n)).filter((c): c is LabContainer => c !== undefined);
    const rows = await serverRows(r.stats);
    const slots = old.map((c) => ({ c, s: rows.find((s) => c.ip !== undefined && addrIp(s) === c.ip) }));
    const batchT0 = performance.now();
    let drainMs = 0;
    if (plan.strategy === 'rolling') {
      r.progress(
        `${plan.service}/${batch.join(', ')}: draining ${slots.map((x) => x.s?.svname ?? '(no server)').join(', ')}`,
      );
      for (const { s } of slots)
        if (s) await setServerState(r.engine.docker, r.haproxy.id, s.pxname, s.svname, 'drain');
      const ended = await sessionsEnded(
        r.stats,
        slots.flatMap((x) => (x.s ? [x.s.svname] : [])),
        ctx.signal,
      );
      if (ctx.signal.aborted) {
        // Nothing replaced yet: put the batch back into rotation, as it was.
        for (const { s } of slots)
          if (s) await setServerState(r.engine.docker, r.haproxy.id, s.pxname, s.svname, 'ready');
        return { replaced, ms: performance.now() - t0, interrupted: true };
      }
      drainMs = performance.now() - batchT0;
      if (!ended) r.progress(`sessions still open after ${DRAIN_TIMEOUT_MS / 1000} s of draining: replacing anyway`);
    }
    // From here the batch is finished whatever happens (Ctrl-C included): a replica removed is
    // replaced, so every replica serves when lab stops.
    r.progress(`${plan.service}/${batch.join(', ')}: replacing with ${plan.to}`);
    const unstoppable = { ...ctx, signal: new AbortController().signal };
    if (plan.strategy === 'recreate') {
      // A plain `docker compose up <service>`: compose sees the new VERSION and recreates every
      // replica at once. --no-deps: HAProxy depends on the app, and compose would recreate it too.
      await writeWorkspace(r.ws, r.loaded, options, !isLocalEngine(r.engine.endpoint));
      const args = [
        ...composeUpArgs({
          pull: 'never',
          build: await buildFlag(r.engine, r.loaded, options),
          keepRunning: false,
          removeOrphans: false,
        }),
        '--no-deps',
        plan.service,
      ];
      await runCompose(r.engine.endpoint, { project: options.project, file: r.ws.composeFile }, args, {
        out: ctx.out,
        ownGroup: true,
      });
    } else {
      await Promise.all(
        old.map(async (c) => {
          const ctr = r.engine.docker.getContainer(c.id);
          await ctr.stop({ t: 2 }).catch(() => undefined);
          await ctr.remove({ force: true });
        }),
      );
      // The old replicas are gone: their slots go back to HAProxy (state ready). DNS gives it the
      // new replicas, and from here HAProxy's own configuration (checks, retries, redispatch)
      // decides what a request meets until a new replica answers: what lab 08 teaches.
      for (const { s } of slots)
        if (s) await setServerState(r.engine.docker, r.haproxy.id, s.pxname, s.svname, 'ready');
      // --no-recreate: compose only creates the missing replicas, from the file that names the new version.
      // In a process group of its own: the user's Ctrl-C must not cancel compose half-way (the
      // old replica removed, its replacement Created and never started).
      await converge(unstoppable, r.engine, {
        loaded: r.loaded,
        options,
        ws: r.ws,
        pull: 'never',
        onlyReplicas: true,
        ownGroup: true,
      });
    }
    const after = (await labContainers(r.engine.docker, r.state.options.project)).filter(
      (c) => c.service === plan.service,
    );
    const fresh = after.filter((c) => !before.some((b) => b.id === c.id));
    r.progress(`${plan.service}/${fresh.map((c) => c.number).join(', ')}: waiting for HAProxy's health check`);
    const ready = await waitChecked(r.stats, fresh, newReplicaListens(r.engine, r.haproxy, r.loaded, plan.service));
    // A slot drained by an earlier, interrupted rollout: in rotation with its new replica.
    for (const s of ready.values())
      if (s.state === 'DRAIN') await setServerState(r.engine.docker, r.haproxy.id, s.pxname, s.svname, 'ready');
    old.forEach((c, k) => {
      const n = fresh[k];
      const s = n ? ready.get(n.id) : undefined;
      replaced.push({
        replica: c.number,
        server: slots[k]?.s?.svname ?? null,
        from: c.version ?? plan.from,
        to: plan.to,
        drainMs: Math.round(drainMs),
        downMs: Math.round(performance.now() - batchT0),
        newReplica: n?.number ?? null,
        newServer: s?.svname ?? null,
      });
    });
  }
  return { replaced, ms: performance.now() - t0, interrupted: false };
}

const serverRows = async (stats: StatsEndpoint): Promise<ServerStat[]> =>
  (await readStats(stats, 1500))
    .filter((s) => s.svname !== 'FRONTEND' && s.svname !== 'BACKEND')
    .map((s) => ({ ...s, state: serverState(s.status) }));

/** Until none of the drained servers has a session open (scur 0). false on a timeout. */
async function sessionsEnded(stats: StatsEndpoint, names: string[], signal: AbortSignal): Promise<boolean> {
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  while (!signal.aborted && performance.now() < deadline) {
    const rows = await serverRows(stats).catch(() => []);
    if (rows.length && names.every((n) => rows.filter((s) => s.svname === n).every((s) => (s.scur ?? 0) === 0)))
      return true;
    await sleep(POLL_MS);
  }
  return false;
}

/**
 * Until HAProxy has each new container's address on a server with a passed health check (UP, or
 * DRAIN when DNS put it in a drained slot), read from its stats, and the new app accepts
 * HAProxy's connections (`listens`): a running container is not a ready app (the demo app may
 * take seconds before it listens), and a server at an address Docker gave again still shows the
 * old container's passed checks. Without that probe a rollout under load drained the next batch
 * while the last new replica did not listen yet: every server out, HTTP 503 (18-121 of 800-1,000
 * requests over back-to-back rollouts of lab 08). A server without health checks ("no check")
 * counts once UP: HAProxy itself cannot know more.
 */
export async function waitChecked(
  stats: StatsEndpoint,
  fresh: LabContainer[],
  listens: (c: LabContainer) => Promise<boolean>,
): Promise<Map<string, ServerStat>> {
  const found = new Map<string, ServerStat>();
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    const rows = await serverRows(stats).catch(() => []);
    for (const c of fresh.filter((x) => !found.has(x.id))) {
      const s = rows.find((x) => c.ip !== undefined && addrIp(x) === c.ip && passed(x));
      if (s && (await listens(c).catch(() => false))) found.set(c.id, s);
    }
    if (found.size === fresh.length) return found;
    await sleep(POLL_MS);
  }
  const missing = fresh.filter((c) => !found.has(c.id)).map((c) => c.name);
  throw new RuntimeError(
    `HAProxy did not have ${missing.join(', ')} UP with a passed health check within ${READY_TIMEOUT_MS / 1000} s`,
    { hint: 'See why with lab status <lab> and lab logs <lab> app; run lab rollout again to finish' },
  );
}

/** The probe waitChecked needs: a new replica of `service` accepts a connection from HAProxy's container. */
export function newReplicaListens(
  engine: Engine,
  haproxy: LabContainer,
  loaded: LoadedLab,
  service: string,
): (c: LabContainer) => Promise<boolean> {
  const port = labServices(loaded.lab).find((x) => x.name === service)?.port;
  return async (c) =>
    c.ip === undefined || port === undefined || (await acceptsFromHaproxy(engine.docker, haproxy.id, c.ip, port));
}

const passed = (s: ServerStat): boolean =>
  (s.state === 'UP' || s.state === 'DRAIN') &&
  (/^(\* )?L[4-7]OK/.test(s.checkStatus ?? '') || s.status.trim() === 'no check');

/** Ctrl-C after a batch finished: say so, with how far the rollout got and what each replica runs now. */
export const interrupted = (
  plan: RolloutPlan,
  done: number,
  total: number,
  replicas: { name: string; version: string; state: string }[],
) =>
  new InterruptedError(
    `Interrupted: ${done} of ${total} replica(s) of ${plan.service} on ${plan.to}, the rest on their old version; every replica serves`,
    {
      details: replicas.map((c) => `${c.name}: ${c.version}${c.state === 'running' ? '' : ` (${c.state})`}`),
      hint: `Run lab rollout again with --to ${plan.to} to finish (replicas already on ${plan.to} are left alone)`,
    },
  );

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
