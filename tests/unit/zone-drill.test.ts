import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.ts';
import { formatTimeline, type RequestMark } from '../../src/core/failover-timeline.ts';
import { plainPalette } from '../../src/core/palette.ts';
import type { SwarmNode } from '../../src/core/swarm.ts';
import {
  budgetFor,
  crashOptions,
  DEFAULT_ZONE_BUDGET,
  judgeZoneDrill,
  type ZoneDrillObserved,
  zoneDrillEvents,
  zoneNodes,
} from '../../src/core/zone-drill.ts';

const node = (hostname: string, zone: string | undefined, over: Partial<SwarmNode> = {}): SwarmNode => ({
  id: `id-${hostname}`,
  hostname,
  addr: '10.231.0.1',
  state: 'ready',
  availability: 'active',
  manager: true,
  labels: zone ? { zone } : {},
  ...over,
});
const swarm = [node('n1', 'a'), node('n2', 'b'), node('n3', 'c'), node('n4', 'c')];

/** A drain of zone c as the e2e test measured it, in ms since the drill began. */
const drain: ZoneDrillObserved = {
  zone: 'c',
  mode: 'drain',
  lostNodes: ['n3'],
  faultAtMs: 800,
  nodesDownAtMs: null,
  outAtMs: 1400,
  rescheduledAtMs: 3100,
  upAtMs: 5200,
  restoredAtMs: 12_000,
  restoring: true,
  replicas: 6,
  sent: 400,
  failed: 0,
};
/** A crash of zone c (n3's engine killed, heartbeat 1 s), not revived: HAProxy sees it first, then Swarm. */
const crash: ZoneDrillObserved = {
  ...drain,
  mode: 'crash',
  nodesDownAtMs: 4000,
  outAtMs: 2100,
  rescheduledAtMs: 5300,
  upAtMs: 6900,
  restoredAtMs: null,
  restoring: false,
  sent: 600,
  failed: 2,
};
const crashBudget = budgetFor('crash');

describe('zone drill: the zone', () => {
  it.each([
    { zone: 'a', lost: ['n1'], kept: ['n2', 'n3', 'n4'] },
    { zone: 'c', lost: ['n3', 'n4'], kept: ['n1', 'n2'] },
  ])('zone $zone is $lost', ({ zone, lost, kept }) => {
    const r = zoneNodes(swarm, zone, 'zone');
    expect(r.lost.map((n) => n.hostname)).toEqual(lost);
    expect(r.kept.map((n) => n.hostname)).toEqual(kept);
  });

  it.each([
    {
      name: 'a zone no node has',
      nodes: swarm,
      zone: 'x',
      message: /no node of the swarm has zone=x/,
      hint: /a, b, c/,
    },
    {
      name: 'the zone of every ready node',
      nodes: [node('n1', 'a'), node('n2', 'b', { state: 'down' })],
      zone: 'a',
      message: /nothing would be left/,
      hint: /a, b/,
    },
    {
      name: 'unlabelled nodes only',
      nodes: [node('n1', undefined)],
      zone: 'a',
      message: /no node/,
      hint: /label the nodes/,
    },
  ])('refuses $name (exit 2)', ({ nodes, zone, message, hint }) => {
    try {
      zoneNodes(nodes, zone, 'zone');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      expect((e as UsageError).message).toMatch(message);
      expect((e as UsageError).hint).toMatch(hint);
    }
  });
});

describe('zone drill: timeline and verdict', () => {
  it("puts the milestones and failures in time order, in the failover drill's format", () => {
    const marks: RequestMark[] = [
      { atMs: 900, ok: false, why: 'ECONNRESET' },
      { atMs: 950, ok: true },
    ];
    const lines = formatTimeline(zoneDrillEvents(drain, marks), plainPalette);
    expect(lines).toEqual([
      '    +0.8s  FAULT    drained zone c: n3 (docker node update --availability drain)',
      '    +0.9s  FAILED   the only failed request (ECONNRESET)',
      "    +1.4s  DOWN     HAProxy on the other zones had zone c's servers out of rotation (0.6 s after the fault)",
      '    +3.1s  SERVING  Swarm had all 6 replicas running outside zone c (2.3 s after the fault)',
      '    +5.2s  UP       HAProxy had all 6 replicas UP again (4.4 s after the fault)',
      '   +12.0s  CLEARED  zone c back (availability active) and the replicas spread over it again (service update --force)',
    ]);
  });

  it('a crash: HAProxy takes the zone out before Swarm sees its node down, then reschedules', () => {
    const lines = formatTimeline(zoneDrillEvents(crash, []), plainPalette);
    expect(lines).toEqual([
      '    +0.8s  FAULT    crashed zone c: n3 (--crash-command)',
      "    +2.1s  DOWN     HAProxy on the other zones had zone c's servers out of rotation (1.3 s after the fault)",
      '    +4.0s           Swarm saw n3 down (missed heartbeats, 3.2 s after the fault)',
      '    +5.3s  SERVING  Swarm had all 6 replicas running outside zone c (4.5 s after the fault)',
      '    +6.9s  UP       HAProxy had all 6 replicas UP again (6.1 s after the fault)',
    ]);
    expect(zoneDrillEvents({ ...crash, restoredAtMs: 9000, restoring: true }, []).at(-1)!.text).toBe(
      'zone c back (revived by --revive-command) and the replicas spread over it again (service update --force)',
    );
  });

  it('leaves out milestones never reached; a crash says so', () => {
    const kinds = zoneDrillEvents({ ...drain, mode: 'crash', outAtMs: null, upAtMs: null, restoredAtMs: null }, []).map(
      (e) => `${e.kind}:${e.text.split(':')[0]}`,
    );
    expect(kinds).toEqual([
      'fault:crashed zone c',
      'serving:Swarm had all 6 replicas running outside zone c (2.3 s after the fault)',
    ]);
  });

  it.each([
    {
      name: 'no failure, back in time',
      o: drain,
      budget: DEFAULT_ZONE_BUDGET,
      pass: true,
      reason:
        /kept serving: 0 of 400 requests failed \(allowed 0\), all 6 replicas UP again 4\.4 s after the fault \(allowed 10 s\)/,
    },
    {
      name: 'one failure over a budget of 0',
      o: { ...drain, failed: 1 },
      budget: DEFAULT_ZONE_BUDGET,
      pass: false,
      reason: /1 of 400 requests failed \(the lab allows 0\)/,
    },
    {
      name: 'failures within a budget',
      o: { ...drain, failed: 2 },
      budget: { maxFailed: 3, recoverWithin: 10 },
      pass: true,
      reason: /2 of 400 requests failed \(allowed 3\)/,
    },
    {
      name: 'back too late',
      o: { ...drain, upAtMs: 11_000 },
      budget: DEFAULT_ZONE_BUDGET,
      pass: false,
      reason: /UP again only 10\.2 s after the fault \(the lab allows 10 s\)/,
    },
    {
      name: 'never back',
      o: { ...drain, upAtMs: null },
      budget: DEFAULT_ZONE_BUDGET,
      pass: false,
      reason: /not all UP again after losing zone c/,
    },
    {
      name: 'the zone not back after the drill',
      o: { ...drain, restoredAtMs: null },
      budget: DEFAULT_ZONE_BUDGET,
      pass: false,
      reason: /zone c did not come back/,
    },
    {
      name: 'no traffic',
      o: { ...drain, sent: 0 },
      budget: DEFAULT_ZONE_BUDGET,
      pass: false,
      reason: /no request was sent/,
    },
    {
      name: 'a crash: 2 of 600 failed is within 0.5%',
      o: crash,
      budget: crashBudget,
      pass: true,
      reason:
        /2 of 600 requests failed \(allowed 0\.5%\), all 6 replicas UP again 6\.1 s after the fault \(allowed 10 s\); zone c stays down until its nodes are back/,
    },
    {
      name: 'a crash: 3 of 600 failed is exactly 0.5%',
      o: { ...crash, failed: 3 },
      budget: crashBudget,
      pass: true,
      reason: /3 of 600 requests failed \(allowed 0\.5%\)/,
    },
    {
      name: 'a crash: 4 of 600 failed is over 0.5%',
      o: { ...crash, failed: 4 },
      budget: crashBudget,
      pass: false,
      reason: /4 of 600 requests failed \(the lab allows 0\.5%\)/,
    },
    {
      name: 'a crash not revived need not come back',
      o: crash,
      budget: { maxFailedPercent: 1, recoverWithin: 5 },
      pass: false,
      reason: /^Losing zone c: all replicas UP again only 6\.1 s after the fault \(the lab allows 5 s\)$/,
    },
    {
      name: 'a crash with a revive command must come back',
      o: { ...crash, restoring: true },
      budget: crashBudget,
      pass: false,
      reason: /zone c did not come back/,
    },
  ])('$name', ({ o, budget, pass, reason }) => {
    const v = judgeZoneDrill(o, budget);
    expect(v.pass).toBe(pass);
    expect(v.reason).toMatch(reason);
  });
});

describe('zone drill: crash options and budgets', () => {
  it.each([
    { name: 'a drain', o: { zoneLoss: 'c' }, want: undefined },
    {
      name: 'a crash',
      o: { zoneLoss: 'c', crashCommand: 'harness.sh crash 3' },
      want: { command: 'harness.sh crash 3' },
    },
    {
      name: 'a crash and a revive',
      o: { zoneLoss: 'c', crashCommand: 'x', reviveCommand: 'y' },
      want: { command: 'x', revive: 'y' },
    },
  ])('$name', ({ o, want }) => expect(crashOptions(o)).toEqual(want));

  it.each([
    {
      name: 'a revive without a crash',
      o: { zoneLoss: 'c', reviveCommand: 'y' },
      message: /--revive-command brings back a zone that --crash-command took down/,
    },
    {
      name: 'a crash without --zone-loss',
      o: { crashCommand: 'x' },
      message: /--crash-command is part of the zone drill: give --zone-loss/,
    },
    { name: 'an empty crash command', o: { zoneLoss: 'c', crashCommand: ' ' }, message: /--crash-command is empty/ },
    {
      name: 'an empty revive command',
      o: { zoneLoss: 'c', crashCommand: 'x', reviveCommand: '' },
      message: /--revive-command is empty/,
    },
  ])('refuses $name (exit 2)', ({ o, message }) => {
    expect(() => crashOptions(o)).toThrow(UsageError);
    expect(() => crashOptions(o)).toThrow(message);
  });

  it.each([
    { mode: 'drain' as const, zoneLoss: undefined, want: { maxFailed: 0, recoverWithin: 10 } },
    { mode: 'crash' as const, zoneLoss: undefined, want: { maxFailedPercent: 0.5, recoverWithin: 10 } },
    {
      mode: 'drain' as const,
      zoneLoss: { maxFailed: 1, recoverWithin: 20, crash: { maxFailedPercent: 2, recoverWithin: 30 } },
      want: { maxFailed: 1, recoverWithin: 20 },
    },
    {
      mode: 'crash' as const,
      zoneLoss: { maxFailed: 1, recoverWithin: 20, crash: { maxFailedPercent: 2, recoverWithin: 30 } },
      want: { maxFailedPercent: 2, recoverWithin: 30 },
    },
  ])('the $mode budget of $zoneLoss', ({ mode, zoneLoss, want }) => expect(budgetFor(mode, zoneLoss)).toEqual(want));
});
