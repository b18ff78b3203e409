import type { Context } from '../cli/context.ts';
import type { OptionsOf } from '../cli/options.ts';
import { loadLab } from '../config/labs.ts';
import { resolveFlags } from '../config/render-flags.ts';
import { defaultProject, parseTimeout } from '../core/options.ts';
import { tryNext, tryNextStudent } from '../core/report.ts';
import { describeReplicas } from '../core/services.ts';
import { addrIp } from '../core/haproxy-servers.ts';
import { resolveEndpoint } from '../docker/endpoint.ts';
import { withProjectLock } from '../engine/lock.ts';
import { type Started, startLab } from '../engine/start-lab.ts';
import { resolveWorkspace } from '../engine/workspace.ts';
import { statsPageUrl } from '../haproxy/stats-client.ts';
import type { upCommand } from './up.command.ts';
import { DEFAULT_ZONE_LABEL, parseZoneLabel, refuseOneEngine, swarmUnsupported } from '../core/swarm.ts';
import { UsageError } from '../core/errors.ts';
import { nodeHostsFor, parseNodeHosts } from '../core/swarm-images.ts';
import type { SwarmStartRequest } from '../engine/swarm-up.ts';
import { printSwarm, swarmData } from '../ui/swarm-report.ts';
import { type Language, pickLanguage } from '../core/localized.ts';
import { messages } from '../i18n/index.ts';

export type UpOptions = OptionsOf<typeof upCommand> & { lab: string };

/**
 * Start a lab, or converge a running one to the requested options, and wait until HAProxy
 * has every replica UP.
 */
export async function up(ctx: Context, opts: UpOptions): Promise<void> {
  const lang = pickLanguage(opts.lang, ctx.env);
  const loaded = loadLab(opts.lab);
  if (opts.target !== 'swarm')
    refuseOneEngine(loaded.lab, `lab up ${opts.lab} --target swarm (lab doctor --target swarm checks the swarm first)`);
  const options = resolveFlags(ctx, loaded.lab, opts);
  const nodeHosts = nodeHostsFor(opts.target, opts.nodeHost, `up ${opts.lab}`);
  const timeoutMs = parseTimeout(opts.timeout, 90);
  const ws = resolveWorkspace(ctx.env, options.project, opts.workspace);
  const endpoint = await resolveEndpoint(ctx.env, ctx.host);
  if (opts.target === 'swarm') {
    const unsupported = swarmUnsupported(loaded.lab as Parameters<typeof swarmUnsupported>[0]);
    if (unsupported.length)
      throw new UsageError(
        `Lab ${loaded.lab.id} uses what --target swarm does not run yet: ${unsupported.join(', ')}`,
        { hint: `Run it on one engine: lab up ${opts.lab}` },
      );
    return upSwarm(
      ctx,
      {
        loaded,
        options,
        ws,
        timeoutMs,
        endpoint,
        zoneLabel: parseZoneLabel(opts.zoneLabel ?? DEFAULT_ZONE_LABEL),
        nodeHosts: nodeHosts ?? parseNodeHosts([]),
      },
      opts.lab,
    );
  }
  const started = await withProjectLock(ctx, endpoint, options.project, `up ${opts.lab}`, () =>
    startLab(ctx, { loaded, options, ws, timeoutMs, pull: opts.pull ?? 'missing', endpoint }),
  );
  report(ctx, started, lang);
}

/** --target swarm: deploy the lab as a stack, then report nodes, zones and every node's HAProxy. */
async function upSwarm(
  ctx: Context,
  r: Omit<SwarmStartRequest, 'zoneLabel'> & { zoneLabel: string },
  ref: string,
): Promise<void> {
  const { startSwarmLab } = await import('../engine/swarm-up.ts');
  const s = await withProjectLock(ctx, r.endpoint, r.options.project, `up ${ref} --target swarm`, () =>
    startSwarmLab(ctx, r),
  );
  const data = swarmData(s.view, r.zoneLabel);
  ctx.out.data({
    outcome: 'success',
    target: 'swarm',
    lab: s.lab,
    project: s.options.project,
    workspace: s.ws.dir,
    options: { ...s.options, statsPassword: undefined },
    urls: {
      app: s.view.haproxies.map((h) => `http://${h.stats.host}:${s.options.appPort}/`),
      stats: s.view.haproxies.map((h) => `http://${h.stats.host}:${h.stats.port}/`),
    },
    stats: { user: s.options.statsUser, password: s.options.statsPassword },
    ...data,
    images: s.images,
    timingsMs: Object.fromEntries(Object.entries(s.timings).map(([k, v]) => [k, Math.round(v)])),
  });
  const o = s.options;
  ctx.out.result(
    `\n${ctx.out.c.bold(`Lab ${s.lab} is up on the swarm`)}: ${o.replicas} replica(s) spread over node.labels.${r.zoneLabel}, one HAProxy per node (balance ${o.algorithm}, mode ${o.mode})`,
  );
  for (const h of s.view.haproxies)
    ctx.out.result(
      `  ${h.node.hostname}: app ${ctx.out.c.cyan(`http://${h.stats.host}:${o.appPort}/`)}  stats ${ctx.out.c.cyan(`http://${h.stats.host}:${h.stats.port}/`)}`,
    );
  printSwarm(ctx.out, data);
  ctx.out.result(`\nNext: lab status ${s.short} --target swarm, lab down ${s.short} --target swarm`);
}

function report(ctx: Context, r: Started, lang: Language): void {
  const { out } = ctx;
  const appUrl = r.appUrl;
  const statsUrl = statsPageUrl(r.stats);
  const byIp = new Map(r.containers.map((c) => [c.ip, c.name]));
  out.data({
    outcome: 'success',
    lab: r.lab,
    project: r.options.project,
    workspace: r.ws.dir,
    options: { ...r.options, statsPassword: undefined },
    urls: { app: appUrl, stats: statsUrl },
    ...(r.studentConfig ? { studentConfig: r.studentConfig } : {}),
    stats: { user: r.options.statsUser, password: r.options.statsPassword },
    servers: r.servers
      .filter((s) => s.status.startsWith('UP'))
      .map((s) => ({ server: s.svname, addr: s.addr, status: s.status, container: byIp.get(addrIp(s)) })),
    timingsMs: Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, Math.round(v)])),
  });
  const o = r.options;
  // In student mode the student's file decides balance and mode, not lab's options.
  const how = r.studentConfig
    ? 'which runs your haproxy.cfg'
    : `(balance ${o.algorithm}, mode ${o.mode}${o.sticky ? ', sticky cookie' : ''})`;
  out.result(`\n${out.c.bold(`Lab ${r.lab} is up`)}: ${describeReplicas(r.counts)} behind HAProxy ${how}\n`);
  out.result(`  App:    ${out.c.cyan(appUrl)}`);
  out.result(`  Stats:  ${out.c.cyan(statsUrl)}  (${o.statsUser}:${o.statsPassword})`);
  out.result(`  Files:  ${r.ws.dir}${r.studentConfig ? '' : '\n'}`);
  // A student-mode lab's closing lines are the student's loop: in their language.
  const m = messages(lang).up;
  if (r.studentConfig) out.result(`  Yours:  ${out.c.cyan(r.studentConfig)}  ${m.editThenApply({ lab: r.short })}\n`);
  const next = r.studentConfig
    ? tryNextStudent(r.short, o.project, defaultProject(r.lab), out.c, m)
    : tryNext(r.short, o.project, defaultProject(r.lab), r.counts, appUrl, out.c);
  for (const line of next) out.result(line);
}
