import { checkedUp } from '../core/haproxy-servers.ts';
import { renderTable } from '../core/report.ts';
import { nodeRows, replicasPerZone } from '../core/swarm.ts';
import { type SwarmView, taskAt } from '../engine/swarm-view.ts';
import type { Output } from './output.ts';

/** The data `lab up` and `lab status` report for a swarm lab (--json), and its text. */
export function swarmData(v: SwarmView, zoneLabel: string) {
  return {
    nodes: nodeRows(v.nodes, v.tasks, zoneLabel),
    replicasPerZone: replicasPerZone(v.nodes, v.tasks, zoneLabel),
    haproxies: v.haproxies.map((h) => ({
      node: h.node.hostname,
      stats: `http://${h.stats.host}:${h.stats.port}/`,
      ...(h.error ? { error: h.error } : {}),
      servers: h.servers
        .filter((s) => s.state !== 'EMPTY')
        .map((s) => {
          const { task, node } = taskAt(v, s.addr ?? undefined);
          return {
            server: s.svname,
            addr: s.addr,
            status: s.status,
            checked: checkedUp(s),
            node: node?.hostname ?? null,
            zone: node?.labels[zoneLabel] ?? null,
            slot: task?.slot ?? null,
          };
        }),
    })),
  };
}

export function printSwarm(out: Output, data: ReturnType<typeof swarmData>): void {
  const { c } = out;
  const color = (s: string) =>
    s.startsWith('UP') || s === 'running' || s === 'ready'
      ? c.green(s)
      : s.startsWith('MAINT') || s === 'drain'
        ? c.yellow(s)
        : c.red(s);
  out.result(`\n${c.bold('Nodes')}`);
  out.result(
    renderTable(
      data.nodes.map((n) => [
        n.node,
        n.zone ?? c.red('(no zone)'),
        color(n.state),
        n.availability === 'active' ? n.availability : color(n.availability),
        n.addr,
        String(n.replicas),
        n.tasks.map((t) => `${t.service}${t.slot ? `.${t.slot}` : ''}:${t.state}`).join(' ') || '-',
      ]),
      ['NODE', 'ZONE', 'STATE', 'AVAILABILITY', 'ADDRESS', 'REPLICAS', 'TASKS'],
    ),
  );
  out.result(
    `\nReplicas per zone: ${
      Object.entries(data.replicasPerZone)
        .map(([z, n]) => `${z}=${n}`)
        .join(', ') || 'none'
    }`,
  );
  for (const h of data.haproxies) {
    out.result(`\n${c.bold(`HAProxy on ${h.node}`)} (${h.stats})`);
    if (h.error) out.result(c.red(`  ${h.error}`));
    else
      out.result(
        renderTable(
          h.servers.map((s) => [s.server, s.addr ?? '-', s.node ?? c.dim('(gone)'), s.zone ?? '-', color(s.status)]),
          ['SERVER', 'ADDRESS', 'NODE', 'ZONE', 'STATUS'],
        ),
      );
  }
}
