import { type AppFaultView, type FaultSpec, controlParams, describeFaults, isAppFault } from '../core/fault-request.ts';
import { mapBounded } from '../core/pool.ts';
import { control } from '../docker/app-control.ts';
import { DOCKER_API_CONCURRENCY, type LabContainer } from '../docker/engine.ts';
import type { Engine } from './engine.ts';
import { isAppReplica } from './project.ts';

/**
 * Faults in a lab's replicas: the app's (latency, errors, hang, unhealthy) through its control
 * port (docker/app-control.ts), the engine's (kill, pause) through the Docker API. Callers pass
 * containers from labContainers, so only containers lab owns are ever touched.
 */

export interface ReplicaFaults {
  container: string;
  service: string;
  replica: number;
  state: string;
  /** The app's active faults; null when they could not be read (paused, stopped, no control port). */
  app: Record<string, AppFaultView> | null;
  /** In words (core/fault-request.ts describeFaults). */
  faults: string[];
}

/** Inject or clear one fault in one replica; returns the app's faults after it, when running. */
export async function applyFault(engine: Engine, c: LabContainer, fault: FaultSpec, seconds: number | undefined): Promise<ReplicaFaults> {
  const ctr = engine.docker.getContainer(c.id);
  if (isAppFault(fault.kind)) {
    await control(engine.docker, c.id, 'POST', `/faults/${fault.kind}`, controlParams(fault, seconds));
  } else if (fault.kind === 'pause') {
    if (c.state !== 'paused') await ctr.pause();
  } else if (fault.kind === 'kill') {
    // SIGKILL: no goodbye to HAProxy, as a crash. The container has no restart policy, so it
    // stays down until `clear` starts it again.
    if (c.state === 'running' || c.state === 'paused') await ctr.kill({ signal: 'SIGKILL' });
  } else {
    // clear: back to a running replica with no app faults.
    if (c.state === 'paused') await ctr.unpause();
    else if (c.state !== 'running') await ctr.start();
    if (c.state === 'running' || c.state === 'paused') await control(engine.docker, c.id, 'DELETE', '/faults');
  }
  const now = await ctr.inspect();
  const state = now.State.Paused ? 'paused' : now.State.Status;
  return readFaults(engine, { ...c, state });
}

/** One replica's faults, read now. */
export async function readFaults(engine: Engine, c: LabContainer): Promise<ReplicaFaults> {
  let app: Record<string, AppFaultView> | null = null;
  if (c.state === 'running') {
    app = (await control(engine.docker, c.id, 'GET', '/faults').catch(() => null)) as Record<string, AppFaultView> | null;
  }
  return { container: c.name, service: c.service, replica: c.number, state: c.state, app, faults: describeFaults(c.state, app ?? undefined) };
}

/** The faults of every app replica of a project (status). */
export function readAllFaults(engine: Engine, containers: LabContainer[]): Promise<ReplicaFaults[]> {
  const apps = containers.filter(isAppReplica);
  return mapBounded(apps, DOCKER_API_CONCURRENCY, (c) => readFaults(engine, c));
}
