import { createServer } from 'node:net';
import { execa } from 'execa';
import type Dockerode from 'dockerode';
import { EnvironmentError } from '../core/errors.ts';

export interface PortNeed {
  port: number;
  option: string;
  host: string;
}

/**
 * Check that the host ports a lab publishes are free, and name what holds a taken one: a
 * container (lab's or not) or a process. Only meaningful for an engine on this machine.
 */
export async function checkPortsFree(docker: Dockerode, needs: PortNeed[], ownContainers: Set<string>): Promise<void> {
  const taken: string[] = [];
  const containers = await docker.listContainers();
  for (const need of needs) {
    const holder = containers.find((c) => (c.Ports ?? []).some((p) => p.PublicPort === need.port));
    if (holder) {
      if (ownContainers.has(holder.Id)) continue; // this lab already publishes it: converging
      taken.push(
        `${need.option} ${need.port} is published by container ${(holder.Names?.[0] ?? holder.Id).replace(/^\//, '')} (${holder.Image})`,
      );
    } else if (!(await canListen(need.port, need.host))) {
      taken.push(`${need.option} ${need.port} is in use by ${await processOnPort(need.port)}`);
    }
  }
  if (taken.length) {
    throw new EnvironmentError(`Port${taken.length > 1 ? 's' : ''} already in use`, {
      details: taken,
      hint: 'Stop what holds it, or pick other ports: --app-port 18080 --stats-port 11936 (or "auto")',
    });
  }
}

export function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Best effort: `ss` names the process when we may see it. */
export async function processOnPort(port: number): Promise<string> {
  const r = await execa('ss', ['-Hltnp', `sport = :${port}`], { reject: false, timeout: 2000 });
  const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(String(r.stdout ?? ''));
  return m ? `process ${m[1]} (pid ${m[2]})` : 'another process';
}
