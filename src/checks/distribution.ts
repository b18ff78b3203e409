import { backendServers, checkedUp, deltas, describeServer, frontendErrors } from '../core/haproxy-servers.ts';
import type { LabCheck } from '../core/lab-schema.ts';
import type { Palette } from '../core/palette.ts';
import { renderDistribution } from '../core/report.ts';
import { judgedConfig } from '../core/running-config.ts';
import { judgeDistribution, judgeServersReached } from '../core/verdicts.ts';
import { readStats } from '../haproxy/stats-client.ts';
import { merged } from '../traffic/source.ts';
import type { CheckTarget } from './target.ts';
import { checkAim, replicasOf } from '../core/services.ts';
import { type CheckResult, resultOf } from './types.ts';

export interface LoadSettings {
  requests: number;
  concurrency: number;
}

/** Every replica the lab should have (of one service, or of each) is UP in HAProxy with a passed health check. */
export async function replicasUpCheck(
  t: CheckTarget,
  check: Pick<LabCheck, 'name' | 'service'>,
  signal?: AbortSignal,
): Promise<CheckResult> {
  const t0 = performance.now();
  const services = check.service ? [check.service] : [...new Set(t.apps.map((a) => a.service))].sort();
  // Each service's backend: the one of its name (generated mode), or the one its traffic reaches (student mode, core/traffic-route.ts).
  const backends = await Promise.all(
    services.map(async (service) => (await t.route(service, checkAim(t.services, { service }).path, signal)).backend),
  );
  const rows = await readStats(t.stats);
  const each = services.map((service, i) => {
    const servers = backendServers(rows, backends[i]);
    const want = replicasOf(t.options, service);
    const up = servers.filter(checkedUp).length;
    const running = t.apps.filter((a) => a.service === service && a.state === 'running').length;
    const bad = servers
      .filter((s) => s.state !== 'EMPTY' && !checkedUp(s))
      .map((s) => `${s.svname} ${describeServer(s)}`);
    const named = services.length > 1 ? `${service}: ` : '';
    const reason =
      up === want
        ? `${named}${want} of ${want} replicas are UP in HAProxy with a passed health check`
        : `${named}${up} of ${want} replicas are UP in HAProxy (${running} ${services.length > 1 ? service : 'app'} containers running)${bad.length ? `; not serving: ${bad.join(', ')}` : ''}`;
    return { service, up, expected: want, running, pass: up === want, reason };
  });
  const pass = each.every((e) => e.pass);
  // On FAIL, only the services that fail: what the student has to fix.
  const reason = each
    .filter((e) => pass || !e.pass)
    .map((e) => e.reason)
    .join('; ');
  const data =
    each.length === 1
      ? { up: each[0]!.up, expected: each[0]!.expected, running: each[0]!.running }
      : { services: each.map(({ pass: _, reason: _r, ...e }) => e) };
  return resultOf(check.name, 'replicas-up', t0, { pass, reason }, { data });
}

/** Send a burst through the app port and judge HAProxy's per-server deltas. */
export async function distributionCheck(
  t: CheckTarget,
  check: Pick<LabCheck, 'name' | 'tolerance' | 'service' | 'path'> & { servers?: number | undefined },
  load: LoadSettings,
  c: Palette,
  signal?: AbortSignal,
): Promise<CheckResult> {
  const t0 = performance.now();
  const { backend: service, path } = checkAim(t.services, check);
  const { backend, frontend } = await t.route(service, path, signal);
  const before = await readStats(t.stats);
  // Judged against what HAProxy runs (its stats say), never what lab believes it wrote.
  const running = judgedConfig(t.options, before, backend);
  const { mode, algorithm, sticky } = running;
  const replicas = replicasOf(t.options, service);
  const note = running.differences.length
    ? [`note: ${running.differences.join('; ')}: judged against what HAProxy runs`]
    : [];
  if (running.unjudgeable) {
    const reason = `HAProxy runs balance ${running.unjudgeable}, which lab has no verdict for (lab.json says ${t.options.algorithm}); run lab up again to restore the lab's configuration`;
    return resultOf(check.name, 'distribution', t0, { pass: false, reason }, { report: note, data: { running } });
  }
  // The verdicts of sticky, source and first are about one client: send from one then.
  const pinning = sticky || algorithm === 'source' || algorithm === 'first';
  const senders = await t.traffic.run(
    { path, requests: load.requests, concurrency: load.concurrency, keepAlive: mode === 'http', cookies: sticky },
    pinning ? 1 : undefined,
    signal,
  );
  const summary = merged(senders);
  const client = {
    sent: summary.sent,
    failed: summary.failed,
    byServer: summary.byServedBy,
    errors: summary.errors,
    ms: summary.durationMs,
  };
  const after = await readStats(t.stats);
  const result = judgeServersReached(
    judgeDistribution({
      algorithm,
      mode,
      sticky,
      replicas,
      deltas: deltas(before, after, mode, backend),
      requests: client.sent,
      failed: client.failed,
      clientServers: mode === 'http' ? client.byServer : undefined,
      tolerance: check.tolerance,
    }),
    check.servers,
    Object.keys(summary.byApp),
  );
  const errors = frontend ? frontendErrors(before, after, frontend) : frontendErrors(before, after);
  const report = [
    ...note,
    `${client.sent} requests${path === '/' ? '' : ` for ${path}`} to ${t.traffic.kind === 'clients' ? `HAProxy from ${senders.length > 1 ? `${senders.length} clients` : 'one client'} in the lab network` : t.appUrl} (${load.concurrency} at a time, ${mode === 'tcp' ? 'a new connection each' : 'keep-alive'}${sticky ? ', keeping the SERVERID cookie' : ''}) in ${Math.round(client.ms)} ms; ${client.failed} failed${client.errors.length ? `: ${client.errors.join(', ')}` : ''}`,
    renderDistribution(result, c),
  ];
  return resultOf(
    check.name,
    'distribution',
    t0,
    { pass: result.verdict === 'PASS', reason: result.reason },
    {
      report,
      data: {
        backend,
        path,
        from: t.traffic.kind,
        senders: senders.map((x) => ({ sender: x.sender, sent: x.summary.sent, byServer: x.summary.byServedBy })),
        algorithm,
        mode,
        sticky,
        judgedFrom: running.source,
        differences: running.differences,
        requests: client.sent,
        failed: client.failed,
        durationMs: Math.round(client.ms),
        rows: result.rows,
        frontendErrors: errors,
      },
    },
  );
}
