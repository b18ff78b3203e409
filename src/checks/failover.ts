import {
  DRILL_CLIENT_TIMEOUT_MS,
  type DrillFault,
  drillHoldSeconds,
  drillVictims,
  parseDrillFault,
} from '../core/drill-fault.ts';
import {
  failuresByCause,
  formatTimeline,
  mergeTimeline,
  type RequestMark,
  seconds,
  type TimelineEvent,
  type TimelineKind,
} from '../core/failover-timeline.ts';
import { addrIp, checkedUp, deltas, describeServer, type ServerStat } from '../core/haproxy-servers.ts';
import { checkAim, replicasOf } from '../core/services.ts';
import type { LabCheck, Mode } from '../core/lab-schema.ts';
import type { Palette } from '../core/palette.ts';
import type { TaskCheck } from '../core/task-schema.ts';
import { type FailoverObserved, judgeFailover } from '../core/verdicts-failover.ts';
import type { LabContainer } from '../docker/engine.ts';
import { clearDrillFault, injectDrillFault } from '../engine/faults.ts';
import { sendLoad } from '../http/load.ts';
import { HaproxyGone, pollUntil, servers, sleep, type Watch } from './stats-watch.ts';
import type { CheckTarget } from './target.ts';
import { type CheckResult, resultOf } from './types.ts';

const DETECT_TIMEOUT_MS = 15_000;
/** With a budget, the drill waits this much past it: enough to say how late HAProxy was. */
const DETECT_GRACE_MS = 2000;
const RECOVER_TIMEOUT_MS = 30_000;
const WARM_UP_MS = 800;
/** How long the drill waits for its victims to pass every recent health check before it breaks them. */
const FULL_HEALTH_WAIT_MS = 8000;
/** How long an app fault lasts past the hold when the check gives no detection budget. */
const APP_FAULT_S = 5;
/** The longest a fault's injection may take before the drill stops waiting for it. */
const MAX_INJECT_MS = 30_000;

/** A failover check as `checks:` (name, concurrency) or a task (fault, target, hold, expect) gives it. */
export type FailoverOptions = Pick<LabCheck, 'name' | 'concurrency' | 'service' | 'path'> &
  Partial<Pick<Extract<TaskCheck, { kind: 'failover' }>, 'fault' | 'target' | 'hold' | 'expect'>>;

interface Victim {
  app: LabContainer;
  server: string;
  /** The address now: a restarted container may get a new one, which HAProxy finds through DNS. */
  ip: string | undefined;
}

/**
 * The failover drill, the course's failure response flow under load: break one replica (or every
 * primary), watch HAProxy take it out (detect), the rest or the backups serve, clear the fault and
 * watch it come back UP (recover). Every client request is recorded, so the timeline shows the
 * first and last failed request among HAProxy's state changes (core/failover-timeline.ts).
 */
export async function failoverCheck(
  target0: CheckTarget,
  check: FailoverOptions,
  c: Palette,
  signal?: AbortSignal,
): Promise<CheckResult> {
  // The drill breaks replicas of the check's service (the default one: what the app port's `/` reaches)
  // and watches the backend its traffic really goes through, whatever the student named it.
  const { backend: service, path } = checkAim(target0.services, check);
  const { backend } = await target0.route(service, path, signal);
  const t = { ...target0, backend };
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const events: TimelineEvent[] = [];
  const note = (kind: TimelineKind, text: string) => events.push({ atMs: now(), kind, text });
  const faultText = check.fault ?? 'stop';
  const fault = parseDrillFault(faultText);
  const target = check.target ?? 'one';
  const expect = { detectWithin: check.expect?.detectWithin, maxFailed: check.expect?.maxFailed ?? 0 };
  const watch: Watch = {};
  const start = await servers(t, watch, true);
  const picked = drillVictims(
    start,
    t.apps.filter((a) => a.service === service),
    target,
  );
  if (picked.problem)
    return fail(check.name, t0, `${picked.problem} (backend ${backend})`, [], {
      replicas: replicasOf(t.options, service),
      backend,
    });
  const victims: Victim[] = picked.victims.map((v) => ({ ...v, ip: v.app.ip }));
  const backupServers = start.filter((s) => (s.bck ?? 0) > 0 && s.state !== 'EMPTY').map((s) => s.svname);

  const stop = new AbortController();
  const stopAll = () => stop.abort();
  signal?.addEventListener('abort', stopAll);
  const marks: RequestMark[] = [];
  const concurrency = check.concurrency ?? 2;
  const url = new URL(path, t.appUrl).toString();
  note('load', `load started: ${concurrency} client(s) sending requests to ${url} (~${concurrency * 100}/s)`);
  const load = sendLoad({
    url,
    requests: 100_000,
    concurrency,
    pauseMs: 10,
    keepAlive: t.options.mode === 'http',
    signal: stop.signal,
    timeoutMs: DRILL_CLIENT_TIMEOUT_MS,
    onResult: (r) => {
      marks.push({ atMs: r.at - t0, ok: r.ok, why: r.ok ? undefined : (r.error ?? `HTTP ${r.status}`) });
    },
  });
  let cleared = false;
  const timeline = () => mergeTimeline(events, marks).map((e) => ({ ...e, atMs: Math.round(e.atMs) }));
  const finish = async () => {
    stop.abort();
    const client = await load;
    note(
      'done',
      `load stopped: ${client.sent} requests, ${client.failed} failed${client.errors.length ? ` (${client.errors.join(', ')})` : ''}`,
    );
    return client;
  };
  const base = {
    fault: faultText,
    target,
    victim: victims[0]!.app.name,
    server: victims[0]!.server,
    victims: victims.map((v) => ({ container: v.app.name, server: v.server })),
  };
  try {
    await sleep(WARM_UP_MS);
    // Break a victim only at full health: a replica whose checks timed out on a busy machine
    // may already be `UP 2/3` (going down), and a kill then looks detected after one more failed
    // check, so a starter that needs three would pass by luck (a CI run saw it).
    const fullHealth = (list: ServerStat[]) =>
      victims.every((v) => ['UP', 'no check'].includes(list.find((x) => x.svname === v.server)?.status.trim() ?? ''));
    if (!(await pollUntil(t, watch, fullHealth, FULL_HEALTH_WAIT_MS, signal))) {
      note(
        'note',
        `${victims.map((v) => v.server).join(', ')} not at full health (failing some checks) before the fault: detection is measured from there`,
      );
    }
    // Who served is read from HAProxy's own per-server counters, never from a response header
    // the student's file would have to write (issue #22): what the backups served so far.
    const backupBefore = sumServed(start, await servers(t, watch, true), t.options.mode, backend, backupServers);
    // Inject while polling HAProxy: a docker exec can take seconds under load, and the fault acts
    // (and HAProxy may react) before the call returns. The fault's time comes from the engine's
    // or the app's clock; an app fault clears itself after the budget plus the hold.
    const wall0 = Date.now() - now();
    // A hang is held longer than the clients wait (drillHoldSeconds): its end must not rescue the requests it held.
    const holdS = drillHoldSeconds(fault, check.hold ?? 2);
    const waitedMs =
      expect.detectWithin === undefined ? DETECT_TIMEOUT_MS : expect.detectWithin * 1000 + DETECT_GRACE_MS;
    const appSeconds =
      fault.kind === 'stop' || fault.kind === 'kill' || fault.kind === 'pause'
        ? undefined
        : (expect.detectWithin ?? APP_FAULT_S) + holdS;
    const callAt = now();
    let timing: { at?: number; until?: number }[] | undefined;
    let injectError: unknown;
    const injecting = Promise.all(victims.map((v) => injectDrillFault(t.engine, v.app, fault, appSeconds))).then(
      (r) => {
        timing = r;
      },
      (e) => {
        injectError = e;
      },
    );
    const out = new Map<string, number>();
    let faultAt = callAt;
    const detected = await pollUntil(
      t,
      watch,
      (list) => {
        for (const v of victims.filter((x) => !out.has(x.server))) {
          const s = list.find((x) => x.svname === v.server);
          if (s?.state === 'UP') continue;
          out.set(v.server, now());
          note('down', s ? `HAProxy marked ${v.server} ${describeServer(s)}` : `HAProxy dropped ${v.server}`);
        }
        if (injectError) return true;
        if (!timing) return false;
        faultAt = Math.max(...timing.map((x) => (x.at === undefined ? callAt : x.at - wall0)));
        return out.size === victims.length || now() - faultAt > waitedMs;
      },
      waitedMs + MAX_INJECT_MS,
      signal,
    ).then(() => out.size === victims.length);
    await injecting;
    if (injectError) throw injectError;
    for (const v of victims)
      events.push({
        atMs: faultAt,
        kind: 'fault',
        text: `${injected(fault, faultText)} ${v.app.name} (HAProxy server ${v.server})`,
      });
    const detectionMs = detected ? Math.max(0, Math.max(...out.values()) - faultAt) : null;
    if (!detected)
      note(
        'note',
        `HAProxy still had ${victims
          .filter((v) => !out.has(v.server))
          .map((v) => v.server)
          .join(', ')} in rotation ${seconds(now() - faultAt)} after the fault`,
      );

    // Serve from the rest: what the other servers answered while the victims were out.
    const servedDuring: Record<string, number> = {};
    let finishedDuring = 0;
    if (detected) {
      const mark = await servers(t, watch, true);
      const marked = marks.length;
      await sleep(holdS * 1000);
      const held = await servers(t, watch, true);
      finishedDuring = marks.length - marked;
      const gone = new Set(victims.map((v) => v.server));
      for (const d of deltas(mark, held, t.options.mode, backend))
        if (!gone.has(d.name) && d.served > 0) servedDuring[d.name] = d.served;
      const took = Object.entries(servedDuring)
        .map(([name, n]) => `${name} ${n}`)
        .join(', ');
      const who = target === 'primaries' ? 'the backup took the traffic' : 'survivors took the traffic';
      note(
        'serving',
        took
          ? `${who}: ${took} request(s) in ${holdS} s`
          : `no ${target === 'primaries' ? 'backup' : 'survivor'} took traffic (${finishedDuring} request(s) finished in ${holdS} s)`,
      );
    }

    // Recover: clear the fault (an app fault may have cleared itself), and wait until HAProxy has every victim UP again.
    const expired = Math.max(
      ...(timing ?? []).map((x) => (x.until === undefined ? Number.POSITIVE_INFINITY : x.until - wall0)),
    );
    let clearedAt: number;
    if (expired <= now()) {
      clearedAt = expired;
      for (const v of victims)
        events.push({
          atMs: expired,
          kind: 'cleared',
          text: `${faultText} on ${v.app.name} ended (it lasted ${appSeconds} s)`,
        });
    } else {
      for (const v of victims) {
        v.ip = await clearDrillFault(t.engine, v.app, fault);
        note(
          'cleared',
          fault.kind === 'stop'
            ? `started ${v.app.name} again${v.ip && v.ip !== v.app.ip ? ` (new address ${v.ip})` : ''}`
            : `cleared ${faultText} on ${v.app.name}`,
        );
      }
      clearedAt = now();
    }
    cleared = true;
    const back = new Map<string, number>();
    const recovered = await pollUntil(
      t,
      watch,
      (list) => {
        for (const v of victims.filter((x) => !back.has(x.app.name))) {
          const s = list.find((x: ServerStat) => checkedUp(x) && addrIp(x) === v.ip);
          if (!s) continue;
          back.set(v.app.name, now());
          note('up', `HAProxy has ${v.app.name} UP again as ${s.svname}`);
        }
        return back.size === victims.length;
      },
      RECOVER_TIMEOUT_MS,
      signal,
    );
    if (!recovered)
      note(
        'note',
        `${victims
          .filter((v) => !back.has(v.app.name))
          .map((v) => v.app.name)
          .join(', ')} not UP in HAProxy within ${RECOVER_TIMEOUT_MS / 1000} s`,
      );
    const client = await finish();
    const observed: FailoverObserved = {
      fault: faultText,
      target,
      victims: victims.map((v) => v.app.name),
      detectionMs,
      waitedMs,
      servedDuring,
      backupServers,
      backupBefore,
      recoveryMs: recovered ? Math.max(0, Math.max(...back.values()) - clearedAt) : null,
      finishedDuring,
      sent: client.sent,
      failed: client.failed,
      failedBy: failuresByCause(marks),
    };
    const verdict = judgeFailover(observed, expect);
    const data = {
      ...base,
      ...observed,
      detectionMs: round(detectionMs),
      recoveryMs: round(observed.recoveryMs),
      events: timeline(),
    };
    return resultOf(check.name, 'failover', t0, verdict, { report: formatTimeline(timeline(), c), data });
  } catch (e) {
    if (!(e instanceof HaproxyGone)) throw e;
    note('note', e.message);
    const client = await finish();
    return fail(
      check.name,
      t0,
      `${e.message}: the drill stopped, nothing left to observe`,
      formatTimeline(timeline(), c),
      { ...base, sent: client.sent, failed: client.failed, events: timeline() },
    );
  } finally {
    stop.abort();
    signal?.removeEventListener('abort', stopAll);
    await load.catch(() => undefined);
    // Never leave the lab with a replica broken, whatever happened above.
    if (!cleared) for (const v of victims) await clearDrillFault(t.engine, v.app, fault).catch(() => undefined);
  }
}

/** Requests HAProxy counted on these servers between two polls of the backend. */
const sumServed = (a: ServerStat[], b: ServerStat[], mode: Mode, backend: string, names: readonly string[]) =>
  deltas(a, b, mode, backend)
    .filter((d) => names.includes(d.name))
    .reduce((n, d) => n + d.served, 0);

const round = (ms: number | null) => (ms === null ? null : Math.round(ms));

function injected(fault: DrillFault, text: string): string {
  if (fault.kind === 'stop') return 'stopped';
  if (fault.kind === 'kill') return 'killed';
  if (fault.kind === 'pause') return 'paused';
  return `injected ${text} into`;
}

const fail = (name: string, t0: number, reason: string, report: string[], data: unknown): CheckResult =>
  resultOf(name, 'failover', t0, { pass: false, reason }, { report, data });
