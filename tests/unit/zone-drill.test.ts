import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.ts';
import { formatTimeline, type RequestMark } from '../../src/core/failover-timeline.ts';
import { plainPalette } from '../../src/core/palette.ts';
import type { SwarmNode } from '../../src/core/swarm.ts';
import { DEFAULT_ZONE_BUDGET, judgeZoneDrill, type ZoneDrillObserved, zoneDrillEvents, zoneNodes } from '../../src/core/zone-drill.ts';

const node = (hostname: string, zone: string | undefined, over: Partial<SwarmNode> = {}): SwarmNode => ({
  id: `id-${hostname}`, hostname, addr: '10.231.0.1', state: 'ready', availability: 'active', manager: true, labels: zone ? { zone } : {}, ...over,
});
const swarm = [node('n1', 'a'), node('n2', 'b'), node('n3', 'c'), node('n4', 'c')];

/** A drain of zone c as the e2e test measured it, in ms since the drill began. */
const drain: ZoneDrillObserved = { zone: 'c', mode: 'drain', lostNodes: ['n3'], faultAtMs: 800, outAtMs: 1400, rescheduledAtMs: 3100, upAtMs: 5200, restoredAtMs: 12_000, replicas: 6, sent: 400, failed: 0 };

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
    { name: 'a zone no node has', nodes: swarm, zone: 'x', message: /no node of the swarm has zone=x/, hint: /a, b, c/ },
    { name: 'the zone of every ready node', nodes: [node('n1', 'a'), node('n2', 'b', { state: 'down' })], zone: 'a', message: /nothing would be left/, hint: /a, b/ },
    { name: 'unlabelled nodes only', nodes: [node('n1', undefined)], zone: 'a', message: /no node/, hint: /label the nodes/ },
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
  it('puts the milestones and failures in time order, in the failover drill\'s format', () => {
    const marks: RequestMark[] = [{ atMs: 900, ok: false, why: 'ECONNRESET' }, { atMs: 950, ok: true }];
    const lines = formatTimeline(zoneDrillEvents(drain, marks), plainPalette);
    expect(lines).toEqual([
      '    +0.8s  FAULT    drained zone c: n3 (docker node update --availability drain)',
      '    +0.9s  FAILED   the only failed request (ECONNRESET)',
      '    +1.4s  DOWN     HAProxy on the other zones had zone c\'s servers out of rotation (0.6 s after the fault)',
      '    +3.1s  SERVING  Swarm had all 6 replicas running outside zone c (2.3 s after the fault)',
      '    +5.2s  UP       HAProxy had all 6 replicas UP again (4.4 s after the fault)',
      '   +12.0s  CLEARED  zone c back (availability active) and the replicas spread over it again (service update --force)',
    ]);
  });

  it('leaves out milestones never reached; a crash says so', () => {
    const kinds = zoneDrillEvents({ ...drain, mode: 'crash', outAtMs: null, upAtMs: null, restoredAtMs: null }, []).map((e) => `${e.kind}:${e.text.split(':')[0]}`);
    expect(kinds).toEqual(['fault:crashed zone c', 'serving:Swarm had all 6 replicas running outside zone c (2.3 s after the fault)']);
  });

  it.each([
    { name: 'no failure, back in time', o: drain, budget: DEFAULT_ZONE_BUDGET, pass: true, reason: /kept serving: 0 of 400 requests failed \(allowed 0\), all 6 replicas UP again 4\.4 s after the fault \(allowed 10 s\)/ },
    { name: 'one failure over a budget of 0', o: { ...drain, failed: 1 }, budget: DEFAULT_ZONE_BUDGET, pass: false, reason: /1 of 400 requests failed \(the lab allows 0\)/ },
    { name: 'failures within a budget', o: { ...drain, failed: 2 }, budget: { maxFailed: 3, recoverWithin: 10 }, pass: true, reason: /2 of 400 requests failed \(allowed 3\)/ },
    { name: 'back too late', o: { ...drain, upAtMs: 11_000 }, budget: DEFAULT_ZONE_BUDGET, pass: false, reason: /UP again only 10\.2 s after the fault \(the lab allows 10 s\)/ },
    { name: 'never back', o: { ...drain, upAtMs: null }, budget: DEFAULT_ZONE_BUDGET, pass: false, reason: /not all UP again after losing zone c/ },
    { name: 'the zone not back after the drill', o: { ...drain, restoredAtMs: null }, budget: DEFAULT_ZONE_BUDGET, pass: false, reason: /zone c did not come back/ },
    { name: 'no traffic', o: { ...drain, sent: 0 }, budget: DEFAULT_ZONE_BUDGET, pass: false, reason: /no request was sent/ },
  ])('$name', ({ o, budget, pass, reason }) => {
    const v = judgeZoneDrill(o, budget);
    expect(v.pass).toBe(pass);
    expect(v.reason).toMatch(reason);
  });
});
