import { type ChaosEvent, type ChaosSettings, chaosSchedule, TAIL_MS } from '../core/chaos-plan.ts';
import { seconds, type TimelineEvent, type TimelineKind } from '../core/failover-timeline.ts';
import { isAppFault } from '../core/fault-request.ts';
import { addrIp, describeServer } from '../core/haproxy-servers.ts';
import { RuntimeError } from '../core/errors.ts';
import type { LoadSummary } from '../core/load-summary.ts';
import { type ChaosOutcome, type ChaosVerdict, judgeChaos, type Slo } from '../core/verdicts-chaos.ts';
import type { LabContainer } from '../docker/engine.ts';
import { clearDrillFault, injectDrillFault } from '../engine/faults.ts';
import { merged } from '../traffic/source.ts';
import { HaproxyGone, servers, sleep, type Watch } from './stats-watch.ts';
import type { CheckTarget } from './target.ts';

/**
 * One chaos run (lab chaos, and the chaos check): load from the lab's traffic source, the seeded
 * schedule's faults injected and cleared as the failover drill does (engine/faults.ts, lab fault's
 * faults), timed by the app's own clock for its faults, HAProxy's
 * view of each server followed for the timeline. Whatever happens (Ctrl-C, an error), every
 * replica it broke is cleared before it returns.
 */

const WATCH_EVERY_MS = 250;
/** The load may run this much past the duration while late faults finish; then it stops anyway. */
const MAX_OVERRUN_S = 120;

export interface ChaosRunResult {
  settings: ChaosSettings;
  schedule: ChaosEvent[];
  summary: LoadSummary;
  outcome: ChaosOutcome;
  verdict: ChaosVerdict;
  events: TimelineEvent[];
  interrupted: boolean;
}

export async function runChaos(
  t0_: CheckTarget,
  s: ChaosSettings,
  o: { rate: number; slo: Slo; signal: AbortSignal; onEvent?: (e: TimelineEvent) => void },
): Promise<ChaosRunResult> {
  const service = t0_.backend;
  const apps = t0_.apps.filter((a) => a.service === service).sort((a, b) => a.number - b.number);
  if (apps.length === 0)
    throw new RuntimeError(`${t0_.project} runs no replica of ${service}: nothing to break`, {
      hint: 'Run lab up again',
    });
  // HAProxy's servers are watched in the backend the traffic goes through, whatever the student named it.
  const t = { ...t0_, backend: (await t0_.route(service, '/', o.signal)).backend };
  const schedule = chaosSchedule({ ...s, replicas: apps.length });
  const events: TimelineEvent[] = [];
  let t0 = performance.now();
  const now = () => performance.now() - t0;
  const note = (kind: TimelineKind, text: string, atMs = now()) => {
    const e = { atMs: Math.round(atMs), kind, text };
    events.push(e);
    o.onEvent?.(e);
  };
  // Faults in effect, by replica: cleared when their time is up, and whatever is left at the end.
  const pending = new Map<ChaosEvent, LabContainer>();
  // The load lasts the run's duration, longer when injections came late (a docker exec takes
  // seconds on a busy machine): every fault happens under load, with time to recover after it.
  const running = await t.traffic.start({
    path: '/',
    rate: o.rate,
    durationS: s.durationS + MAX_OVERRUN_S,
    concurrency: Math.min(256, o.rate * 2),
    keepAlive: true,
    cookies: false,
    timeoutMs: o.slo.answerWithinMs,
  });
  t0 = performance.now();
  const wall0 = Date.now();
  const byAppClock = (iso: number | undefined, fallback: number) => (iso === undefined ? fallback : iso - wall0);
  note(
    'load',
    `load started: ${o.rate} requests/s to / from ${t.traffic.where}, for ${s.durationS} s (seed ${s.seed}, ${schedule.length} fault(s))`,
  );
  const onAbort = () => void running.stop();
  o.signal.addEventListener('abort', onAbort);
  let ended = false;
  const watching = watchServers(
    t,
    () => o.signal.aborted || ended,
    (kind, text) => note(kind, text),
  );
  let injected = 0;
  let lastEnd = 0;
  // An app fault takes effect a docker exec later (seconds on a busy machine): ask that much early.
  let lag = 0;
  try {
    for (const ev of schedule) {
      const app = isAppFault(ev.fault.kind);
      if (!(await sleepUntil(t0 + Math.max(ev.atMs - (app ? lag : 0), lastEnd), o.signal))) break;
      const c = apps[ev.replica - 1]!;
      const callAt = now();
      let timing: { at?: number; until?: number };
      try {
        timing = await injectDrillFault(t.engine, c, ev.fault, app ? ev.forMs / 1000 : undefined);
      } catch (e) {
        note('note', `could not inject ${ev.spec} into ${c.name}: ${(e as Error).message}`);
        continue;
      }
      pending.set(ev, c);
      injected++;
      const at = byAppClock(timing.at, callAt);
      if (app) lag = Math.max(0, at - callAt);
      note('fault', `${ev.spec} on ${c.service}/${c.number} (${c.name}) for ${seconds(ev.forMs)}`, at);
      const end = byAppClock(timing.until, at + ev.forMs);
      if (!(await sleepUntil(t0 + end, o.signal))) break;
      if (!app) await clearDrillFault(t.engine, c, ev.fault);
      pending.delete(ev);
      lastEnd = now();
      note(
        'cleared',
        app
          ? `${ev.spec} on ${c.service}/${c.number} ended (the app cleared it)`
          : `cleared ${ev.spec} on ${c.service}/${c.number}`,
        app ? end : lastEnd,
      );
    }
    await sleepUntil(t0 + Math.max(s.durationS * 1000, lastEnd + TAIL_MS), o.signal);
    const summary = merged(await running.stop());
    ended = true;
    note('done', `load stopped: ${summary.sent} requests, ${summary.failed} failed`);
    const outcome: ChaosOutcome = {
      seed: s.seed,
      sent: summary.sent,
      failed: summary.failed,
      p95Ms: summary.latencyMs.p95,
      faults: injected,
    };
    return {
      settings: s,
      schedule,
      summary,
      outcome,
      verdict: judgeChaos(outcome, o.slo),
      events: [...events].sort((a, b) => a.atMs - b.atMs),
      interrupted: o.signal.aborted,
    };
  } finally {
    ended = true;
    o.signal.removeEventListener('abort', onAbort);
    await running.stop().catch(() => undefined);
    await watching;
    // Never leave a replica broken: whatever this run injected and did not clear yet.
    for (const [ev, c] of pending) await clearDrillFault(t.engine, c, ev.fault).catch(() => undefined);
  }
}

/** false when the signal came first. */
async function sleepUntil(at: number, signal: AbortSignal): Promise<boolean> {
  while (!signal.aborted && performance.now() < at) await sleep(Math.min(100, at - performance.now()));
  return !signal.aborted;
}

/** HAProxy's state changes of each server while the run lasts, as timeline events. */
async function watchServers(
  t: CheckTarget,
  over: () => boolean,
  note: (kind: TimelineKind, text: string) => void,
): Promise<void> {
  const watch: Watch = {};
  const seen = new Map<string, string>();
  while (!over()) {
    try {
      for (const s of await servers(t, watch)) {
        if (s.state === 'EMPTY' || s.state === 'MAINT') continue;
        const before = seen.get(s.svname);
        seen.set(s.svname, s.state);
        if (before === undefined || before === s.state) continue;
        const who = t.apps.find((a) => a.ip && a.ip === addrIp(s));
        note(
          s.state === 'UP' ? 'up' : 'down',
          `HAProxy marked ${s.svname}${who ? ` (${who.service}/${who.number})` : ''} ${describeServer(s)}`,
        );
      }
    } catch (e) {
      if (!(e instanceof HaproxyGone)) throw e;
      note('note', e.message);
      return;
    }
    await sleep(WATCH_EVERY_MS);
  }
}
