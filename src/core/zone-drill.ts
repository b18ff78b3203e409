import { UsageError } from './errors.ts';
import { failureEvents, type RequestMark, seconds, type TimelineEvent } from './failover-timeline.ts';
import type { SwarmNode } from './swarm.ts';

/**
 * The zone drill (`lab check <lab> --target swarm --zone-loss <zone>`), its pure parts: which
 * nodes a zone is, the timeline's milestones in words, and the verdict. engine/zone-drill.ts
 * measures; the timeline's kinds and formatting are the failover drill's (failover-timeline.ts).
 */

/** What the lab file promises about losing a zone (lab.yaml `zoneLoss:`). */
export interface ZoneLossBudget {
  /** Failed client requests allowed over the whole drill. */
  maxFailed: number;
  /** Seconds from the fault until every surviving HAProxy has every replica UP again. */
  recoverWithin: number;
}
export const DEFAULT_ZONE_BUDGET: ZoneLossBudget = { maxFailed: 0, recoverWithin: 10 };

/**
 * The nodes of `zone` and the nodes that survive it. Refuses (exit 2) a zone no node has and a
 * zone that is every node: then nothing would be left to serve. Pure.
 */
export function zoneNodes(nodes: readonly SwarmNode[], zone: string, zoneLabel: string): { lost: SwarmNode[]; kept: SwarmNode[] } {
  const lost = nodes.filter((n) => n.labels[zoneLabel] === zone);
  const zones = [...new Set(nodes.map((n) => n.labels[zoneLabel]).filter((z): z is string => Boolean(z)))].sort();
  if (lost.length === 0) {
    throw new UsageError(`--zone-loss ${zone}: no node of the swarm has ${zoneLabel}=${zone}`, { hint: `Choose one of the swarm's zones: ${zones.join(', ') || '(none: label the nodes, docker node update --label-add zone=a <node>)'}` });
  }
  const kept = nodes.filter((n) => n.labels[zoneLabel] !== zone);
  if (!kept.some((n) => n.state === 'ready' && n.availability === 'active')) {
    throw new UsageError(`--zone-loss ${zone}: every ready node is in zone ${zone}, so nothing would be left to serve`, { hint: `Choose a zone that is not the whole swarm: ${zones.join(', ')}` });
  }
  return { lost, kept };
}

/** What the drill saw, in ms since it started; null for a milestone never reached. */
export interface ZoneDrillObserved {
  zone: string;
  mode: 'drain' | 'crash';
  lostNodes: string[];
  faultAtMs: number;
  /** Every surviving HAProxy had the zone's servers out of rotation. */
  outAtMs: number | null;
  /** Swarm had every replica running on the other zones. */
  rescheduledAtMs: number | null;
  /** Every surviving HAProxy had every replica UP again. */
  upAtMs: number | null;
  /** The zone was given back (availability active) and the app rebalanced over it. */
  restoredAtMs: number | null;
  replicas: number;
  sent: number;
  failed: number;
}

/** The drill's milestones as timeline events (failures come from the request marks). Pure. */
export function zoneDrillEvents(o: ZoneDrillObserved, requests: readonly RequestMark[]): TimelineEvent[] {
  const fault = o.mode === 'drain' ? `drained zone ${o.zone}: ${o.lostNodes.join(', ')} (docker node update --availability drain)` : `crashed zone ${o.zone}: ${o.lostNodes.join(', ')}`;
  const since = (at: number) => `${seconds(at - o.faultAtMs)} after the fault`;
  const events: TimelineEvent[] = [{ atMs: o.faultAtMs, kind: 'fault', text: fault }];
  if (o.outAtMs !== null) events.push({ atMs: o.outAtMs, kind: 'down', text: `HAProxy on the other zones had zone ${o.zone}'s servers out of rotation (${since(o.outAtMs)})` });
  if (o.rescheduledAtMs !== null) events.push({ atMs: o.rescheduledAtMs, kind: 'serving', text: `Swarm had all ${o.replicas} replicas running outside zone ${o.zone} (${since(o.rescheduledAtMs)})` });
  if (o.upAtMs !== null) events.push({ atMs: o.upAtMs, kind: 'up', text: `HAProxy had all ${o.replicas} replicas UP again (${since(o.upAtMs)})` });
  if (o.restoredAtMs !== null) events.push({ atMs: o.restoredAtMs, kind: 'cleared', text: `zone ${o.zone} back (availability active) and the replicas spread over it again (service update --force)` });
  return [...events, ...failureEvents(requests)].sort((a, b) => a.atMs - b.atMs);
}

/** PASS when the failed requests stayed within the budget and every replica was UP again in time. Pure. */
export function judgeZoneDrill(o: ZoneDrillObserved, budget: ZoneLossBudget): { pass: boolean; reason: string } {
  const problems: string[] = [];
  if (o.failed > budget.maxFailed) problems.push(`${o.failed} of ${o.sent} requests failed (the lab allows ${budget.maxFailed})`);
  const upMs = o.upAtMs === null ? null : o.upAtMs - o.faultAtMs;
  if (upMs === null) problems.push(`the replicas were not all UP again after losing zone ${o.zone}`);
  else if (upMs > budget.recoverWithin * 1000) problems.push(`all replicas UP again only ${seconds(upMs)} after the fault (the lab allows ${budget.recoverWithin} s)`);
  if (o.sent === 0) problems.push('no request was sent during the drill');
  if (o.restoredAtMs === null) problems.push(`zone ${o.zone} did not come back and spread again after the drill (lab status shows the nodes)`);
  if (problems.length) return { pass: false, reason: `Losing zone ${o.zone}: ${problems.join('; ')}` };
  return { pass: true, reason: `Lost zone ${o.zone} and kept serving: ${o.failed} of ${o.sent} requests failed (allowed ${budget.maxFailed}), all ${o.replicas} replicas UP again ${seconds(upMs!)} after the fault (allowed ${budget.recoverWithin} s)` };
}
