import { type ServerStat, backendServers, checkedUp, describeServer } from '../core/haproxy-servers.ts';
import { replicasOf } from '../core/services.ts';
import type { LabCheck } from '../core/lab-schema.ts';
import type { Palette } from '../core/palette.ts';
import { readStats } from '../haproxy/stats-client.ts';
import { merged } from '../traffic/source.ts';
import type { CheckTarget } from './target.ts';
import type { CheckResult } from './types.ts';

const DETECT_TIMEOUT_MS = 15_000;
const RECOVER_TIMEOUT_MS = 30_000;

interface Event {
  at: number;
  text: string;
}

/**
 * The failover drill: under continuous load, stop one replica, watch HAProxy take it out,
 * see the survivors carry the traffic, start it again and watch it come back UP. Every
 * client error is counted; retries and redispatch in haproxy.cfg should keep it at zero.
 */
export async function failoverCheck(t: CheckTarget, check: Pick<LabCheck, 'name' | 'concurrency'>, c: Palette, signal?: AbortSignal): Promise<CheckResult> {
  const t0 = performance.now();
  const events: Event[] = [];
  const note = (text: string) => events.push({ at: performance.now() - t0, text });
  const victim = [...t.apps].filter((a) => a.service === t.backend && a.state === 'running').sort((a, b) => a.number - b.number)[0];
  const replicas = replicasOf(t.options, t.backend);
  if (!victim || replicas < 2) {
    return fail(check.name, t0, 'The failover drill needs at least 2 running replicas', [], { replicas });
  }
  const container = t.engine.docker.getContainer(victim.id);
  const stop = new AbortController();
  const stopAll = () => stop.abort();
  signal?.addEventListener('abort', stopAll);
  const concurrency = check.concurrency ?? 2;
  const rate = concurrency * 100;
  note(`load started: ${t.traffic.where} sending ~${rate} requests/s, at most ${concurrency} at a time`);
  const running = await t.traffic.start({ path: '/', durationS: 600, rate, concurrency, keepAlive: t.options.mode === 'http', cookies: false, timeoutMs: 5000 });
  stop.signal.addEventListener('abort', () => void running.stop());
  const load = running.done.then(merged).then((s) => ({ sent: s.sent, failed: s.failed, errors: s.errors }));
  const perServer = async () => merged(await running.snapshot()).byServedBy;
  let restarted = false;
  const watch: Watch = {};
  const report = () => events.map((e) => `  ${c.dim(`+${(e.at / 1000).toFixed(1)}s`.padStart(7))}  ${e.text}`);
  try {
    await sleep(1000);
    const server = serverOf(await servers(t, watch, true), victim.ip);
    await container.stop({ t: 2 });
    note(`stopped ${victim.name}${server ? ` (HAProxy server ${server})` : ''}`);
    const detected = await until(t, watch, (list) => {
      const s = list.find((x) => x.svname === server);
      return s?.state !== 'UP' ? (s ? `HAProxy marked ${server} ${describeServer(s)}` : `HAProxy dropped ${server}`) : undefined;
    }, DETECT_TIMEOUT_MS);
    note(detected ?? `HAProxy still had ${server} UP after ${DETECT_TIMEOUT_MS / 1000} s`);
    const mark = await perServer();
    await sleep(2000);
    await servers(t, watch, true);
    const survivors = Object.entries(await perServer()).filter(([name, n]) => name !== server && n > (mark[name] ?? 0)).map(([name, n]) => `${name} ${n - (mark[name] ?? 0)}`);
    note(survivors.length ? `survivors took the traffic: ${survivors.join(', ')} request(s) in 2 s` : 'no survivor took traffic');
    await container.start();
    restarted = true;
    // A restarted container may get a new address; HAProxy finds it again through DNS.
    const newIp = Object.values((await container.inspect()).NetworkSettings.Networks)[0]?.IPAddress;
    note(`started ${victim.name} again${newIp && newIp !== victim.ip ? ` (new address ${newIp})` : ''}`);
    const back = await until(t, watch, (list) => {
      const s = list.find((x) => checkedUp(x) && x.addr?.split(':')[0] === newIp);
      return s ? `HAProxy has ${victim.name} UP again as ${s.svname}` : undefined;
    }, RECOVER_TIMEOUT_MS);
    note(back ?? `${victim.name} was not UP in HAProxy within ${RECOVER_TIMEOUT_MS / 1000} s`);
    stop.abort();
    const client = await load;
    note(`load stopped: ${client.sent} requests, ${client.failed} failed${client.errors.length ? ` (${client.errors.join(', ')})` : ''}`);
    const problems = [
      ...(detected ? [] : ['HAProxy never took the stopped replica out of rotation']),
      ...(survivors.length ? [] : ['no surviving replica took the traffic']),
      ...(back ? [] : ['the restarted replica did not come back UP']),
      ...(client.failed ? [`${client.failed} client request(s) failed (retries and redispatch should hide a stopped replica)`] : []),
    ];
    const data = { victim: victim.name, server, sent: client.sent, failed: client.failed, events: events.map((e) => ({ atMs: Math.round(e.at), text: e.text })) };
    if (problems.length) return fail(check.name, t0, problems.join('; '), report(), data);
    return { name: check.name, kind: 'failover', verdict: 'PASS', reason: `${victim.name} was stopped and started under load: HAProxy took it out and back in, and 0 of ${client.sent} requests failed`, ms: performance.now() - t0, report: report(), data };
  } catch (e) {
    if (!(e instanceof HaproxyGone)) throw e;
    note(e.message);
    stop.abort();
    const client = await load;
    note(`load stopped: ${client.sent} requests, ${client.failed} failed`);
    return fail(check.name, t0, `${e.message}: the drill stopped, nothing left to observe`, report(), { victim: victim.name, sent: client.sent, failed: client.failed, events: events.map((x) => ({ atMs: Math.round(x.at), text: x.text })) });
  } finally {
    stop.abort();
    signal?.removeEventListener('abort', stopAll);
    await load.catch(() => undefined);
    // Never leave the lab with a replica down, whatever happened above.
    if (!restarted) await container.start().catch(() => undefined);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const serverOf = (list: ServerStat[], ip: string | undefined) => list.find((s) => s.addr?.split(':')[0] === ip)?.svname;

/** HAProxy or its stats endpoint went away mid-drill: nothing is left to observe. */
class HaproxyGone extends Error {}

/** Stats that fail this long mean HAProxy is gone, not busy (a read answers in milliseconds). */
const GONE_AFTER_MS = 2000;

interface Watch {
  failingSince?: number;
}

/**
 * HAProxy's servers. A failed read is retried by the caller's polling, but once reads have
 * failed for GONE_AFTER_MS (or at once with `now`, after retrying that long) the drill stops
 * with what happened to HAProxy's container.
 */
async function servers(t: CheckTarget, watch: Watch, now = false): Promise<ServerStat[]> {
  for (;;) {
    try {
      const list = backendServers(await readStats(t.stats, 1000), t.backend);
      watch.failingSince = undefined;
      return list;
    } catch (e) {
      watch.failingSince ??= performance.now();
      if (performance.now() - watch.failingSince >= GONE_AFTER_MS) throw new HaproxyGone(await whyGone(t, (e as Error).message));
      if (!now) return [];
      await sleep(200);
    }
  }
}

async function whyGone(t: CheckTarget, statsError: string): Promise<string> {
  const info = await t.engine.docker.getContainer(t.haproxy.id).inspect().catch(() => undefined);
  if (!info) return `HAProxy is gone: its container ${t.haproxy.name} was removed`;
  if (!info.State.Running) return `HAProxy is gone: its container ${t.haproxy.name} is ${info.State.Status} (exit code ${info.State.ExitCode})`;
  return `HAProxy's stats endpoint is gone: ${statsError}, though ${t.haproxy.name} runs`;
}

/** Poll the stats until `test` returns a description, or give up after `timeoutMs`. */
async function until(t: CheckTarget, watch: Watch, test: (list: ServerStat[]) => string | undefined, timeoutMs: number): Promise<string | undefined> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    const hit = test(await servers(t, watch));
    if (hit) return hit;
    await sleep(100);
  }
  return undefined;
}

const fail = (name: string, t0: number, reason: string, report: string[], data: unknown): CheckResult => ({ name, kind: 'failover', verdict: 'FAIL', reason, ms: performance.now() - t0, report, data });
