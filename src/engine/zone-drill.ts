import type { CheckResult } from '../checks/types.ts';
import { resultOf } from '../checks/types.ts';
import type { Context } from '../cli/context.ts';
import { RuntimeError } from '../core/errors.ts';
import { formatTimeline, mergeTimeline, type RequestMark, type TimelineEvent } from '../core/failover-timeline.ts';
import { checkedUp } from '../core/haproxy-servers.ts';
import { emptyZones, replicasPerZone, type SwarmNode } from '../core/swarm.ts';
import {
  judgeZoneDrill,
  type ZoneDrillObserved,
  type ZoneLossBudget,
  zoneDrillEvents,
  zoneNodes,
} from '../core/zone-drill.ts';
import { forceUpdate, setAvailability } from '../docker/swarm.ts';
import { sendLoad } from '../http/load.ts';
import { openSwarmEngine } from './engine.ts';
import { swarmStatusView } from './swarm-status.ts';
import { runZoneCommand } from './zone-command.ts';
import { liveTasks, readSwarmView, type SwarmView, swarmReady, taskAt } from './swarm-view.ts';

export interface ZoneDrillRequest {
  project: string;
  ref: string;
  zone: string;
  budget: ZoneLossBudget;
  /** Requests per second the drill sends through a node outside the zone. */
  rate: number;
  /** Crash instead of drain: the user's command that takes the zone's machines down (and, optionally, up again). */
  crash?: { command: string; revive?: string };
}

const WARM_UP_MS = 800;
/**
 * Requests in flight at most. A request sent to a machine that just crashed waits for the
 * client's 5 s timeout: with room for several such, the load keeps its rate (4 in flight cut a
 * crash drill at 50/s to 261 requests in 13 s, which made 2 lost requests 0.8%).
 */
const LOAD_CONCURRENCY = 16;
const POLL_MS = 200;
/**
 * How long the zone may take to come back and spread again after the drill. A revived node
 * rejoins, re-attaches to the overlay and only then starts tasks: a CI run's test swarm needed
 * over 60 s for that, and a real machine that reboots needs longer still.
 */
const RESTORE_TIMEOUT_MS = 60_000;
const REVIVE_TIMEOUT_MS = 180_000;
/** service update --force runs at most this often to leave no zone empty. */
const MAX_REBALANCES = 3;

/**
 * The zone drill: under load through a node of another zone, drain every node of the zone (or
 * run the user's crash command), watch the other nodes' HAProxies take the zone's servers out,
 * Swarm start the replicas elsewhere and HAProxy have them UP; then give the zone back and
 * rebalance. A drained zone is given back also when the drill fails or is interrupted; a crashed
 * one only by the user's revive command. The caller holds the project's lock.
 */
export async function zoneDrill(ctx: Context, r: ZoneDrillRequest): Promise<CheckResult> {
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const { view: start, state, zoneLabel } = await swarmStatusView(ctx, r.project, r.ref);
  if (!state)
    throw new RuntimeError(`Lab ${r.ref} runs on the swarm but its workspace (options, ports) is gone`, {
      hint: `Deploy it again: lab up ${r.ref} --target swarm`,
    });
  const { lost, kept } = zoneNodes(start.nodes, r.zone, zoneLabel);
  const { replicas, appPort } = state.options;
  const ready = swarmReady(start, replicas);
  if (!ready.ready)
    throw new RuntimeError(
      `Lab ${r.ref} is not fully up before the drill: ${ready.running}/${replicas} replica(s) running, HAProxy seeing ${ready.upPerNode.join('/') || '0'} UP`,
      { hint: `lab status ${r.ref} --target swarm shows what is missing` },
    );
  const entry = start.haproxies.find((h) => kept.some((n) => n.id === h.node.id));
  if (!entry || !appPort)
    throw new RuntimeError(`No HAProxy outside zone ${r.zone} publishes the app`, {
      hint: `lab status ${r.ref} --target swarm`,
    });
  const lostIds = new Set(lost.map((n) => n.id));
  // The zone's servers as each surviving HAProxy has them: out once that slot is no longer UP at that address.
  const zoneServers = start.haproxies
    .filter((h) => !lostIds.has(h.node.id))
    .flatMap((h) =>
      h.servers
        .filter((s) => lostIds.has(taskAt(start, s.addr ?? undefined).node?.id ?? ''))
        .map((s) => ({ node: h.node.id, svname: s.svname, addr: s.addr })),
    );

  const engine = await openSwarmEngine(ctx);
  const creds = state.options;
  const url = `http://${entry.node.addr}:${appPort}/`;
  const marks: RequestMark[] = [];
  const stop = new AbortController();
  const stopAll = () => stop.abort();
  ctx.signal.addEventListener('abort', stopAll);
  const events: TimelineEvent[] = [
    {
      atMs: now(),
      kind: 'load',
      text: `load started: ~${r.rate} requests/s to ${url} (${entry.node.hostname}, zone ${entry.node.labels[zoneLabel]})`,
    },
  ];
  const load = sendLoad({
    url,
    requests: 1_000_000,
    concurrency: LOAD_CONCURRENCY,
    rate: r.rate,
    keepAlive: false,
    signal: stop.signal,
    timeoutMs: 5000,
    onResult: (x) => {
      marks.push({ atMs: x.at - t0, ok: x.ok, why: x.ok ? undefined : (x.error ?? `HTTP ${x.status}`) });
    },
  });
  const mode = r.crash ? 'crash' : 'drain';
  const o: ZoneDrillObserved = {
    zone: r.zone,
    mode,
    lostNodes: lost.map((n) => n.hostname),
    faultAtMs: 0,
    nodesDownAtMs: null,
    outAtMs: null,
    rescheduledAtMs: null,
    upAtMs: null,
    restoredAtMs: null,
    restoring: !r.crash || Boolean(r.crash.revive),
    replicas,
    sent: 0,
    failed: 0,
  };
  let faulted = false;
  try {
    await sleep(WARM_UP_MS);
    o.faultAtMs = now();
    faulted = true;
    // The crash command runs while lab watches: killing a machine's processes can take seconds
    // after its link is cut, and HAProxy and Swarm react meanwhile.
    let crashFailed: unknown;
    const crashing = r.crash
      ? runZoneCommand('--crash-command', r.crash.command, r.zone, lost, { out: ctx.out, signal: ctx.signal }).catch(
          (e: unknown) => {
            crashFailed = e ?? new Error('crash command failed');
          },
        )
      : undefined;
    if (!r.crash) for (const n of lost) await setAvailability(engine.endpoint, n.id, 'drain', { out: ctx.out });
    const deadline = o.faultAtMs + r.budget.recoverWithin * 1000 + 15_000;
    while (o.upAtMs === null && now() < deadline && !ctx.signal.aborted && crashFailed === undefined) {
      // The zone's HAProxies are left out: drained they are gone, crashed they never answer.
      const v = await readSwarmView(engine, r.project, creds, true, lostIds);
      const at = now();
      if (
        r.crash &&
        o.nodesDownAtMs === null &&
        v.nodes.filter((n) => lostIds.has(n.id)).every((n) => n.state === 'down')
      )
        o.nodesDownAtMs = at;
      const survivors = v.haproxies.filter((h) => !lostIds.has(h.node.id));
      const isOut = (z: (typeof zoneServers)[number]) => {
        const s = survivors.find((h) => h.node.id === z.node)?.servers.find((x) => x.svname === z.svname);
        return !s || s.addr !== z.addr || s.state !== 'UP';
      };
      if (o.outAtMs === null && zoneServers.every(isOut)) o.outAtMs = at;
      const running = liveTasks(v, 'app').filter((t) => t.state === 'running');
      if (o.rescheduledAtMs === null && running.length === replicas && running.every((t) => !lostIds.has(t.nodeId)))
        o.rescheduledAtMs = at;
      if (
        o.rescheduledAtMs !== null &&
        o.outAtMs !== null &&
        survivors.length >= kept.filter((n) => n.state === 'ready').length &&
        survivors.every((h) => h.servers.filter(checkedUp).length >= replicas)
      )
        o.upAtMs = at;
      if (o.upAtMs === null) await sleep(POLL_MS);
    }
    await crashing;
    if (crashFailed !== undefined) throw crashFailed;
  } finally {
    stop.abort();
    ctx.signal.removeEventListener('abort', stopAll);
    const client = await load;
    o.sent = client.sent;
    o.failed = client.failed;
    events.push({
      atMs: now(),
      kind: 'done',
      text: `load stopped: ${client.sent} requests, ${client.failed} failed${client.errors.length ? ` (${client.errors.join(', ')})` : ''}`,
    });
    if (faulted && o.restoring)
      await restoreZone(ctx, engine, r, lost, zoneLabel, creds, replicas).then((ok) => {
        if (ok) o.restoredAtMs = now();
      });
  }
  const verdict = judgeZoneDrill(o, r.budget);
  // The milestones without failure marks: mergeTimeline adds those once.
  const timeline = mergeTimeline([...events, ...zoneDrillEvents(o, [])], marks).map((e) => ({
    ...e,
    atMs: Math.round(e.atMs),
  }));
  const ms = (at: number | null) => (at === null ? null : Math.round(at - o.faultAtMs));
  return resultOf(`zone-loss-${r.zone}`, 'failover', t0, verdict, {
    report: ['  Timeline (seconds since the drill began):', ...formatTimeline(timeline, ctx.out.c)],
    data: {
      zone: r.zone,
      mode: o.mode,
      nodes: o.lostNodes,
      sent: o.sent,
      failed: o.failed,
      budget: r.budget,
      nodesDownMs: ms(o.nodesDownAtMs),
      outMs: ms(o.outAtMs),
      rescheduledMs: ms(o.rescheduledAtMs),
      upMs: ms(o.upAtMs),
      restored: o.restoredAtMs !== null,
      timeline,
    },
  });
}

/**
 * Give the zone back (availability active, or the user's revive command and its nodes ready
 * again), rebalance the app over it, and wait until every HAProxy has every replica UP.
 */
async function restoreZone(
  ctx: Context,
  engine: Awaited<ReturnType<typeof openSwarmEngine>>,
  r: ZoneDrillRequest,
  nodes: SwarmNode[],
  zoneLabel: string,
  creds: Parameters<typeof readSwarmView>[2],
  replicas: number,
): Promise<boolean> {
  const deadline = performance.now() + (r.crash?.revive ? REVIVE_TIMEOUT_MS : RESTORE_TIMEOUT_MS);
  let v: SwarmView;
  if (r.crash?.revive) {
    await runZoneCommand('--revive-command', r.crash.revive, r.zone, nodes, { out: ctx.out, signal: ctx.signal });
    const ids = new Set(nodes.map((n) => n.id));
    do {
      await sleep(POLL_MS * 2);
      v = await readSwarmView(engine, r.project, creds, false);
    } while (
      !v.nodes.filter((n) => ids.has(n.id)).every((n) => n.state === 'ready') &&
      performance.now() < deadline &&
      !ctx.signal.aborted
    );
  } else {
    for (const n of nodes) await setAvailability(engine.endpoint, n.id, 'active', { out: ctx.out });
  }
  await forceUpdate(engine.endpoint, `${r.project}_app`, { out: ctx.out });
  let rebalances = 1;
  do {
    await sleep(POLL_MS * 2);
    v = await readSwarmView(engine, r.project, creds);
    const updating = v.tasks.some((t) => t.service === 'app' && t.desired === 'running' && t.state !== 'running');
    if (updating || !swarmReady(v, replicas).ready) continue;
    // Every zone serves again, not only the one that came back (see emptyZones).
    if (
      (replicasPerZone(v.nodes, v.tasks, zoneLabel)[r.zone] ?? 0) > 0 &&
      emptyZones(v.nodes, v.tasks, zoneLabel, replicas).length === 0
    )
      return true;
    if (rebalances >= MAX_REBALANCES) break;
    rebalances++;
    await forceUpdate(engine.endpoint, `${r.project}_app`, { out: ctx.out });
    // --detach returns before the first task stops: give the update time to show in the tasks.
    await sleep(2_000);
  } while (performance.now() < deadline && !ctx.signal.aborted);
  return false;
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
