import { UsageError } from './errors.ts';
import { failureEvents, type RequestMark, seconds, type TimelineEvent } from './failover-timeline.ts';
import type { SwarmNode } from './swarm.ts';

/**
 * The zone drill (`lab check <lab> --target swarm --zone-loss <zone>`), its pure parts: which
 * nodes a zone is, the timeline's milestones in words, and the verdict. engine/zone-drill.ts
 * measures; the timeline's kinds and formatting are the failover drill's (failover-timeline.ts).
 */

/**
 * What the lab file promises about losing a zone (lab.yaml `zoneLoss:`): a drain is announced,
 * so a count (default 0); a crash is not (the first requests to a dead node wait for a connect
 * timeout before HAProxy retries them elsewhere), so a share of the requests.
 */
export interface ZoneLossBudget {
  /** Drain: failed client requests allowed over the whole drill. */
  maxFailed?: number;
  /** Crash: failed client requests allowed, in percent of those sent. */
  maxFailedPercent?: number;
  /** Seconds from the fault until every surviving HAProxy has every replica UP again. */
  recoverWithin: number;
}
export const DEFAULT_ZONE_BUDGET = { maxFailed: 0, recoverWithin: 10 };
const DEFAULT_CRASH_BUDGET = { maxFailedPercent: 0.5, recoverWithin: 10 };

/** The budget of a drill: the lab's `zoneLoss` for a drain, its `zoneLoss.crash` for a crash, else the defaults. Pure. */
export function budgetFor(
  mode: ZoneDrillMode,
  zoneLoss?: {
    maxFailed?: number;
    recoverWithin?: number;
    crash?: { maxFailedPercent?: number; recoverWithin?: number };
  },
): ZoneLossBudget {
  if (mode === 'crash') return { ...DEFAULT_CRASH_BUDGET, ...zoneLoss?.crash };
  return {
    maxFailed: zoneLoss?.maxFailed ?? DEFAULT_ZONE_BUDGET.maxFailed,
    recoverWithin: zoneLoss?.recoverWithin ?? DEFAULT_ZONE_BUDGET.recoverWithin,
  };
}

/**
 * drain: lab drains the zone's nodes (reversible, safe on real machines). crash: lab runs the
 * user's --crash-command, which must take the zone's machines down without warning (the test
 * harness kills a node's engine; in a classroom, an ssh or power command); lab never crashes a
 * machine by itself.
 */
export type ZoneDrillMode = 'drain' | 'crash';

/**
 * The nodes of `zone` and the nodes that survive it. Refuses (exit 2) a zone no node has and a
 * zone that is every node: then nothing would be left to serve. Pure.
 */
export function zoneNodes(
  nodes: readonly SwarmNode[],
  zone: string,
  zoneLabel: string,
): { lost: SwarmNode[]; kept: SwarmNode[] } {
  const lost = nodes.filter((n) => n.labels[zoneLabel] === zone);
  const zones = [...new Set(nodes.map((n) => n.labels[zoneLabel]).filter((z): z is string => Boolean(z)))].sort();
  if (lost.length === 0) {
    throw new UsageError(`--zone-loss ${zone}: no node of the swarm has ${zoneLabel}=${zone}`, {
      hint: `Choose one of the swarm's zones: ${zones.join(', ') || '(none: label the nodes, docker node update --label-add zone=a <node>)'}`,
    });
  }
  const kept = nodes.filter((n) => n.labels[zoneLabel] !== zone);
  if (!kept.some((n) => n.state === 'ready' && n.availability === 'active')) {
    throw new UsageError(
      `--zone-loss ${zone}: every ready node is in zone ${zone}, so nothing would be left to serve`,
      { hint: `Choose a zone that is not the whole swarm: ${zones.join(', ')}` },
    );
  }
  return { lost, kept };
}

/**
 * --crash-command and --revive-command, checked before anything runs: both belong to the zone
 * drill, a revive to a crash, and neither may be empty. Pure.
 */
export function crashOptions(o: {
  zoneLoss?: string;
  crashCommand?: string;
  reviveCommand?: string;
}): { command: string; revive?: string } | undefined {
  if (o.crashCommand === undefined) {
    if (o.reviveCommand !== undefined)
      throw new UsageError(
        '--revive-command brings back a zone that --crash-command took down: give --crash-command too',
        { hint: "lab check <lab> --target swarm --zone-loss <zone> --crash-command '<cmd>' --revive-command '<cmd>'" },
      );
    return undefined;
  }
  if (o.zoneLoss === undefined)
    throw new UsageError('--crash-command is part of the zone drill: give --zone-loss <zone> (and --target swarm)', {
      hint: "lab check <lab> --target swarm --zone-loss <zone> --crash-command '<cmd>'",
    });
  for (const [option, cmd] of [
    ['--crash-command', o.crashCommand],
    ['--revive-command', o.reviveCommand],
  ] as const) {
    if (cmd !== undefined && cmd.trim() === '')
      throw new UsageError(
        `${option} is empty: give the shell command that ${option === '--crash-command' ? "takes the zone's machines down" : 'brings them back'}`,
        { hint: 'docs/swarm.md, "Crashing a zone", shows commands for a classroom and for the test swarm' },
      );
  }
  return { command: o.crashCommand, ...(o.reviveCommand !== undefined ? { revive: o.reviveCommand } : {}) };
}

/** What the drill saw, in ms since it started; null for a milestone never reached. */
export interface ZoneDrillObserved {
  zone: string;
  mode: ZoneDrillMode;
  lostNodes: string[];
  faultAtMs: number;
  /** Swarm had every node of the zone `down` (a crash: after missed heartbeats); null for a drain. */
  nodesDownAtMs: number | null;
  /** Every surviving HAProxy had the zone's servers out of rotation. */
  outAtMs: number | null;
  /** Swarm had every replica running on the other zones. */
  rescheduledAtMs: number | null;
  /** Every surviving HAProxy had every replica UP again. */
  upAtMs: number | null;
  /** The zone was given back (availability active, or revived) and the app rebalanced over it. */
  restoredAtMs: number | null;
  /** Whether lab was to bring the zone back: always after a drain, after a crash only with a --revive-command. */
  restoring: boolean;
  replicas: number;
  sent: number;
  failed: number;
}

/** The drill's milestones as timeline events (failures come from the request marks). Pure. */
export function zoneDrillEvents(o: ZoneDrillObserved, requests: readonly RequestMark[]): TimelineEvent[] {
  const fault =
    o.mode === 'drain'
      ? `drained zone ${o.zone}: ${o.lostNodes.join(', ')} (docker node update --availability drain)`
      : `crashed zone ${o.zone}: ${o.lostNodes.join(', ')} (--crash-command)`;
  const since = (at: number) => `${seconds(at - o.faultAtMs)} after the fault`;
  const events: TimelineEvent[] = [{ atMs: o.faultAtMs, kind: 'fault', text: fault }];
  if (o.nodesDownAtMs !== null)
    events.push({
      atMs: o.nodesDownAtMs,
      kind: 'note',
      text: `Swarm saw ${o.lostNodes.join(', ')} down (missed heartbeats, ${since(o.nodesDownAtMs)})`,
    });
  if (o.outAtMs !== null)
    events.push({
      atMs: o.outAtMs,
      kind: 'down',
      text: `HAProxy on the other zones had zone ${o.zone}'s servers out of rotation (${since(o.outAtMs)})`,
    });
  if (o.rescheduledAtMs !== null)
    events.push({
      atMs: o.rescheduledAtMs,
      kind: 'serving',
      text: `Swarm had all ${o.replicas} replicas running outside zone ${o.zone} (${since(o.rescheduledAtMs)})`,
    });
  if (o.upAtMs !== null)
    events.push({
      atMs: o.upAtMs,
      kind: 'up',
      text: `HAProxy had all ${o.replicas} replicas UP again (${since(o.upAtMs)})`,
    });
  const back = o.mode === 'drain' ? 'availability active' : 'revived by --revive-command';
  if (o.restoredAtMs !== null)
    events.push({
      atMs: o.restoredAtMs,
      kind: 'cleared',
      text: `zone ${o.zone} back (${back}) and the replicas spread over it again (service update --force)`,
    });
  return [...events, ...failureEvents(requests)].sort((a, b) => a.atMs - b.atMs);
}

/** PASS when the failed requests stayed within the budget and every replica was UP again in time. Pure. */
export function judgeZoneDrill(o: ZoneDrillObserved, budget: ZoneLossBudget): { pass: boolean; reason: string } {
  const problems: string[] = [];
  const allowed = failedAllowed(budget);
  if (!withinFailed(o, budget)) problems.push(`${o.failed} of ${o.sent} requests failed (the lab allows ${allowed})`);
  const upMs = o.upAtMs === null ? null : o.upAtMs - o.faultAtMs;
  if (upMs === null) problems.push(`the replicas were not all UP again after losing zone ${o.zone}`);
  else if (upMs > budget.recoverWithin * 1000)
    problems.push(
      `all replicas UP again only ${seconds(upMs)} after the fault (the lab allows ${budget.recoverWithin} s)`,
    );
  if (o.sent === 0) problems.push('no request was sent during the drill');
  if (o.restoring && o.restoredAtMs === null)
    problems.push(`zone ${o.zone} did not come back and spread again after the drill (lab status shows the nodes)`);
  if (problems.length) return { pass: false, reason: `Losing zone ${o.zone}: ${problems.join('; ')}` };
  return {
    pass: true,
    reason: `Lost zone ${o.zone} and kept serving: ${o.failed} of ${o.sent} requests failed (allowed ${allowed}), all ${o.replicas} replicas UP again ${seconds(upMs!)} after the fault (allowed ${budget.recoverWithin} s)${o.restoring ? '' : `; zone ${o.zone} stays down until its nodes are back`}`,
  };
}

/** A percent budget allows that share of the requests sent; a count that many. */
const withinFailed = (o: Pick<ZoneDrillObserved, 'failed' | 'sent'>, b: ZoneLossBudget): boolean =>
  b.maxFailedPercent !== undefined ? o.failed * 100 <= b.maxFailedPercent * o.sent : o.failed <= (b.maxFailed ?? 0);
const failedAllowed = (b: ZoneLossBudget): string =>
  b.maxFailedPercent !== undefined ? `${b.maxFailedPercent}%` : String(b.maxFailed ?? 0);
