import { RuntimeError } from '../core/errors.ts';
import { addrIp, checkedUp, type ServerStat } from '../core/haproxy-servers.ts';
import { containerLogs, labContainers } from '../docker/engine.ts';
import { reloadFailureLines } from '../core/haproxy-log.ts';
import type { Engine } from './engine.ts';
import type { StatsEndpoint } from '../haproxy/stats-client.ts';
import type { Progress } from '../ui/output.ts';
import { upText } from '../core/services.ts';

/**
 * Why a lab is not ready, in words a student can act on: the container that died, the replica
 * HAProxy does not see as UP, their last log lines.
 */

/** What a readiness wait (engine/readiness.ts) is given; here so that its failure report needs no import back. */
export interface WaitOptions {
  stats: StatsEndpoint;
  project: string;
  /** Replicas each service (HAProxy backend of the same name) must have UP: core/services.ts replicaCounts. */
  expected: readonly { service: string; replicas: number }[];
  timeoutMs: number;
  /** The user's --timeout, named when the wait runs out (timeoutMs may be only what is left of it). */
  limitMs?: number;
  progress: Progress;
  signal: AbortSignal;
}

export async function failIfContainersDied(engine: Engine, project: string): Promise<void> {
  const dead = (await labContainers(engine.docker, project)).filter(
    (c) => c.state === 'exited' || c.state === 'dead' || c.status.includes('Restarting'),
  );
  if (dead.length === 0) return;
  const first = dead[0]!;
  const logs = await containerLogs(engine.docker, first.id, 15).catch(() => []);
  throw new RuntimeError(
    `Container ${first.name} stopped (${first.status})${dead.length > 1 ? ` and ${dead.length - 1} more` : ''}`,
    {
      details: [`last log lines of ${first.name}:`, ...logs.map((l) => `  ${l}`)],
      hint: `See all logs with: lab logs ${project.replace(/^lab-/, '')}${first.service ? ` ${first.service}` : ''}`,
    },
  );
}

/** Explain a readiness timeout: which replica is not UP, what HAProxy's check says, its logs. */
export async function notReady(
  engine: Engine,
  o: WaitOptions,
  servers: ServerStat[],
  statsError?: string,
): Promise<RuntimeError> {
  const seconds = Math.round((o.limitMs ?? o.timeoutMs) / 1000);
  const containers = await labContainers(engine.docker, o.project);
  if (statsError) {
    const haproxy = containers.find((c) => c.service === 'haproxy');
    // HAProxy's reason, not the routine lines of workers that keep running (reloadFailureLines).
    const logs = haproxy
      ? reloadFailureLines(await containerLogs(engine.docker, haproxy.id, 200).catch(() => []), 15)
      : [];
    return new RuntimeError(`Not ready after ${seconds} s: ${statsError}`, {
      details: haproxy ? [`HAProxy's log (${haproxy.name}):`, ...logs.map((l) => `  ${l}`)] : [],
    });
  }
  const upIps = new Set(servers.filter(checkedUp).map((s) => addrIp(s)));
  const services = new Set(o.expected.map((e) => e.service));
  const notUp = containers.filter((c) => services.has(c.service) && !upIps.has(c.ip));
  const details: string[] = [];
  for (const c of notUp.slice(0, 3)) {
    const server = servers.find((s) => addrIp(s) === c.ip);
    details.push(
      `${c.name} (${c.ip ?? 'no IP'}, ${c.state}): ${server ? `HAProxy ${server.svname} is ${server.status}, check: ${server.checkStatus ?? '?'} ${server.checkDesc ?? ''}`.trim() : 'HAProxy has not found it in DNS'}`,
    );
    const logs = await containerLogs(engine.docker, c.id, 10).catch(() => []);
    details.push(...logs.map((l) => `    ${l}`));
  }
  const each = o.expected.map((e) => ({
    ...e,
    up: servers.filter((s) => s.pxname === e.service && checkedUp(s)).length,
  }));
  return new RuntimeError(`Not ready after ${seconds} s: HAProxy has ${upText(each).replace(/\//g, ' of ')}`, {
    details,
    hint: 'An app that fails its health check stays DOWN. Look at lab logs, or raise --timeout',
  });
}
