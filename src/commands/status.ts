import { findLab } from '../config/labs.ts';
import type { Context } from '../cli/context.ts';
import { addrIp, type ServerStat, backendServers, served } from '../core/haproxy-servers.ts';
import { projectFor } from '../core/options.ts';
import { HAPROXY_APP_PORT, HAPROXY_STATS_PORT } from '../core/render-haproxy.ts';
import { renderTable } from '../core/report.ts';
import { labContainers, type LabContainer } from '../docker/engine.ts';
import { ExitError, RuntimeError } from '../core/errors.ts';
import { readStats } from '../haproxy/stats-client.ts';
import { openEngine, publishedHost, type Engine } from '../engine/engine.ts';
import { readAllFaults } from '../engine/faults.ts';
import { runningProject, statsEndpoint } from '../engine/project.ts';
import { projectWorkspace } from '../engine/workspace.ts';
import type { OptionsOf } from '../cli/options.ts';
import type { statusCommand } from './status.command.ts';
import { printSwarm, swarmData } from '../ui/swarm-report.ts';

export async function status(ctx: Context, opts: OptionsOf<typeof statusCommand> & { lab?: string }): Promise<void> {
  if (opts.lab === undefined && opts.project === undefined) return overview(ctx, await openEngine(ctx));
  const project = projectFor(opts.project, () => findLab(opts.lab!).id);
  if (opts.target === 'swarm') return swarmOne(ctx, project, opts.lab ?? project);
  const engine = await openEngine(ctx);
  return one(ctx, engine, project, opts.lab ?? project);
}

/** One lab on a swarm: nodes, zones, tasks per node, joined to every node's HAProxy. */
async function swarmOne(ctx: Context, project: string, ref: string): Promise<void> {
  const { swarmStatusView } = await import('../engine/swarm-status.ts');
  const { view, state, zoneLabel } = await swarmStatusView(ctx, project, ref);
  const data = swarmData(view, zoneLabel);
  const errors = data.haproxies.filter((h) => h.error);
  ctx.out.data({
    outcome: errors.length ? 'error' : 'success',
    target: 'swarm',
    project,
    lab: state?.lab ?? null,
    options: state ? { ...state.options, statsPassword: undefined } : null,
    ...data,
  });
  ctx.out.result(
    ctx.out.c.bold(project) +
      (state
        ? ` (${state.lab} on the swarm: balance ${state.options.algorithm}, mode ${state.options.mode}, zones by node.labels.${zoneLabel})`
        : ''),
  );
  printSwarm(ctx.out, data);
  if (errors.length) {
    const e = new RuntimeError(`HAProxy on ${errors[0]!.node}: ${errors[0]!.error}`, {
      hint: 'docker service ps shows why a task is not running',
    });
    throw ctx.out.json ? new ExitError(e) : e;
  }
}

/** Every running lab, one line each. */
async function overview(ctx: Context, engine: Engine): Promise<void> {
  const all = await labContainers(engine.docker);
  const projects = [...new Set(all.map((c) => c.project))].map((project) => {
    const cs = all.filter((c) => c.project === project);
    const haproxy = cs.find((c) => c.service === 'haproxy');
    const host = publishedHost(engine.endpoint);
    return {
      project,
      lab: cs[0]?.lab ?? '',
      running: cs.filter((c) => c.state === 'running').length,
      containers: cs.length,
      replicas: cs.filter((c) => c.service !== 'haproxy').length,
      app: haproxy?.ports[HAPROXY_APP_PORT] ? `http://${host}:${haproxy.ports[HAPROXY_APP_PORT]}/` : null,
      stats: haproxy?.ports[HAPROXY_STATS_PORT] ? `http://${host}:${haproxy.ports[HAPROXY_STATS_PORT]}/` : null,
    };
  });
  ctx.out.data({ outcome: 'success', labs: projects });
  if (projects.length === 0) return ctx.out.result('No labs are running. Start one with: lab up 03');
  ctx.out.result(
    renderTable(
      projects.map((p) => [
        p.project,
        p.lab,
        String(p.replicas),
        `${p.running}/${p.containers}`,
        p.app ?? '-',
        p.stats ?? '-',
      ]),
      ['PROJECT', 'LAB', 'REPLICAS', 'RUNNING', 'APP', 'STATS'],
    ),
  );
}

/** One lab: its containers, and HAProxy's view of its servers joined to them by address. */
async function one(ctx: Context, engine: Engine, project: string, ref: string): Promise<void> {
  const { out } = ctx;
  const { all, haproxy, apps } = await runningProject(engine, project, ref);
  // Each app service is the HAProxy backend of the same name (core/render-haproxy.ts).
  const services = [...new Set(apps.map((c) => c.service))].sort();
  const { state } = await projectWorkspace(ctx, project, haproxy);
  const mode = state?.options.mode ?? 'http';
  const faults = readAllFaults(engine, all);
  let servers: ServerStat[] = [];
  let statsError: string | undefined;
  try {
    const rows = await readStats(
      statsEndpoint(engine, haproxy, state?.options ?? { statsUser: 'admin', statsPassword: 'admin' }),
    );
    servers = services.flatMap((s) => backendServers(rows, s));
  } catch (e) {
    statsError = (e as Error).message;
  }
  const byIp = new Map<string | undefined, LabContainer>(all.map((c) => [c.ip, c]));
  const serverRows = servers
    .filter((s) => s.state !== 'EMPTY')
    .map((s) => ({
      backend: s.pxname,
      server: s.svname,
      addr: s.addr,
      container: byIp.get(addrIp(s))?.name ?? null,
      status: s.status,
      check: [s.checkStatus, s.checkDesc].filter(Boolean).join(' ') || null,
      served: served(s, mode),
    }));
  out.data({
    outcome: statsError ? 'error' : 'success',
    project,
    lab: haproxy.lab,
    options: state ? { ...state.options, statsPassword: undefined } : null,
    ...(state?.studentConfig ? { studentConfig: state.studentConfig } : {}),
    services: services.map((service) => {
      const mine = apps.filter((c) => c.service === service);
      const up = servers.filter((s) => s.pxname === service && s.state === 'UP').length;
      return { service, replicas: mine.length, running: mine.filter((c) => c.state === 'running').length, up };
    }),
    containers: all.map(({ name, service, state: s, status: st, ip, ports, version }) => ({
      name,
      service,
      state: s,
      status: st,
      ip,
      ports,
      version: version ?? null,
    })),
    servers: serverRows,
    emptySlots: servers.filter((s) => s.state === 'EMPTY').length,
    faults: (await faults).map(({ container, service, replica, state: s, app, faults: words }) => ({
      container,
      service,
      replica,
      state: s,
      appFaults: app,
      faults: words,
    })),
    ...(statsError ? { error: statsError } : {}),
  });
  const color = (s: string) =>
    s.startsWith('UP') || s === 'running'
      ? out.c.green(s)
      : s.startsWith('MAINT') || s.startsWith('DRAIN')
        ? out.c.yellow(s)
        : out.c.red(s);
  out.result(
    out.c.bold(`${project}`) +
      (state
        ? ` (${state.lab}: balance ${state.options.algorithm}, mode ${state.options.mode}${state.options.sticky ? ', sticky' : ''})`
        : ''),
  );
  out.result(`\n${out.c.bold('Containers')}`);
  // VERSION (lab.version) only for a lab whose services have versions: lab rollout changes them one by one.
  const versions = all.some((c) => c.version !== undefined);
  out.result(
    renderTable(
      all.map((c) => [
        c.name,
        c.service,
        color(c.state),
        c.ip ?? '-',
        ...(versions ? [c.version ?? '-'] : []),
        c.status,
      ]),
      ['CONTAINER', 'SERVICE', 'STATE', 'IP', ...(versions ? ['VERSION'] : []), 'STATUS'],
    ),
  );
  const broken = (await faults).filter((f) => f.faults.length > 0);
  if (broken.length)
    out.result(
      `\n${out.c.bold('Faults')} (lab fault ${ref} <service>/<replica> clear)\n${renderTable(
        broken.map((f) => [`${f.service}/${f.replica}`, f.container, out.c.red(f.faults.join(', '))]),
        ['REPLICA', 'CONTAINER', 'FAULTS'],
      )}`,
    );
  out.result(`\n${out.c.bold("HAProxy's servers")} (backend ${services.join(', ') || 'app'})`);
  if (statsError) {
    out.result(out.c.red(`  ${statsError}`));
    const e = new RuntimeError(statsError, { hint: `lab logs ${ref} haproxy shows why` });
    throw out.json ? new ExitError(e) : e;
  }
  out.result(
    renderTable(
      serverRows.map((s) => [
        s.server,
        s.addr ?? '-',
        s.container ?? out.c.dim('(gone)'),
        color(s.status),
        s.check ?? '',
        String(s.served),
      ]),
      ['SERVER', 'ADDRESS', 'CONTAINER', 'STATUS', 'CHECK', 'SERVED'],
    ),
  );
  const empty = servers.length - serverRows.length;
  if (empty) out.result(out.c.dim(`(${empty} more slot(s) empty: MAINT (resolution), ready for lab scale)`));
}
