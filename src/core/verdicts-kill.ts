import type { Verdict } from './verdicts-http.ts';

/**
 * The kill-replica check's verdict: under load, one replica of a service was killed and started
 * again; what fraction of the requests sent while it was down (from the kill until HAProxy had
 * it UP again) failed, against `minFailed` (the service had no other replica: every request
 * fails until it is back) and `maxFailed` (the other replicas took over); with `slowstart`,
 * whether HAProxy eased it back in: its stats CSV has a `throttle` (percent of the server's share)
 * only while the server's slowstart runs. Pure.
 */
export interface KillOutcome {
  service: string;
  /** Running replicas of the service before the kill. */
  replicas: number;
  /** Requests sent, and failed, while the replica was down. */
  sent: number;
  failed: number;
  /** The kill until HAProxy had the replica UP again, ms; null when it did not come back in time. */
  downMs: number | null;
  /** HAProxy's `throttle` for the server when it had the replica UP again: a percent while slowstart runs, null without. */
  throttle?: number | null | undefined;
}

export interface KillExpect {
  minFailed?: number | undefined;
  maxFailed?: number | undefined;
  /** true: HAProxy eased the replica back in (slowstart); false: it gave it a full share at once. */
  slowstart?: boolean | undefined;
}

const pct = (n: number) => `${(100 * n).toFixed(n > 0 && n < 0.01 ? 1 : 0)}%`;

export function judgeKill(o: KillOutcome, e: KillExpect): Verdict & { failedShare: number } {
  const share = o.sent > 0 ? o.failed / o.sent : 0;
  const out = (pass: boolean, reason: string) => ({ pass, reason, failedShare: Math.round(share * 1000) / 1000 });
  const others = o.replicas - 1;
  const saw = `${o.failed} of ${o.sent} requests (${pct(share)}) failed from just before ${o.service} had one of its ${o.replicas} replica(s) killed until it was back${o.downMs === null ? '' : ` (${(o.downMs / 1000).toFixed(1)} s until HAProxy had it UP again)`}`;
  if (o.sent === 0)
    return out(false, `no request was sent while the ${o.service} replica was down: is the load reaching HAProxy?`);
  if (o.downMs === null)
    return out(false, `${saw}, and the killed replica did not come back UP in HAProxy: look at lab status`);
  if (e.minFailed !== undefined && share < e.minFailed) {
    const why =
      others === 0
        ? `with no other replica nothing could answer; did the requests reach ${o.service}?`
        : `${o.service} has ${others} other replica(s) to take over; this check expects a service with one replica`;
    return out(false, `${saw}; expected at least ${pct(e.minFailed)}: ${why}`);
  }
  if (e.maxFailed !== undefined && share > e.maxFailed) {
    const why =
      others === 0
        ? `${o.service} had no other replica to take over: scale it out (lab scale <lab> ${o.service}=4)`
        : `the ${others} other replica(s) should have taken over: are they UP, and does HAProxy retry a failed request on another server (retries, option redispatch)?`;
    return out(false, `${saw}; expected at most ${pct(e.maxFailed)}: ${why}`);
  }
  const eased = o.throttle !== null && o.throttle !== undefined;
  if (e.slowstart === true && !eased)
    return out(
      false,
      `${saw}; but HAProxy gave the replica its full share as soon as it was UP again (its stats show no throttle): add slowstart to its server line, e.g. slowstart 2s`,
    );
  if (e.slowstart === false && eased)
    return out(
      false,
      `${saw}; but HAProxy eased it back in (throttle ${o.throttle}%), expected its full share at once: remove slowstart`,
    );
  const easing = eased ? `; slowstart eased it back in (throttle ${o.throttle}% when it was UP again)` : '';
  const meaning =
    others === 0
      ? `with one replica, every request fails until it is back`
      : `the ${others} other replica(s) took over`;
  return out(true, `${saw}: ${meaning}${easing}`);
}
