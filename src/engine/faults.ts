import { type AppFaultView, type FaultSpec, controlParams, describeFaults, isAppFault } from '../core/fault-request.ts';
import type { DrillFault } from '../core/drill-fault.ts';
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
export async function applyFault(
  engine: Engine,
  c: LabContainer,
  fault: FaultSpec,
  seconds: number | undefined,
): Promise<ReplicaFaults> {
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
async function readFaults(engine: Engine, c: LabContainer): Promise<ReplicaFaults> {
  let app: Record<string, AppFaultView> | null = null;
  if (c.state === 'running') {
    app = (await control(engine.docker, c.id, 'GET', '/faults').catch(() => null)) as Record<
      string,
      AppFaultView
    > | null;
  }
  return {
    container: c.name,
    service: c.service,
    replica: c.number,
    state: c.state,
    app,
    faults: describeFaults(c.state, app ?? undefined),
  };
}

/** The faults of every app replica of a project (status). */
export function readAllFaults(engine: Engine, containers: LabContainer[]): Promise<ReplicaFaults[]> {
  const apps = containers.filter(isAppReplica);
  return mapBounded(apps, DOCKER_API_CONCURRENCY, (c) => readFaults(engine, c));
}

/**
 * A failover drill's fault (checks/failover.ts): `stop` or one of lab fault's. For an app fault,
 * returns when it took effect and when the app clears it itself (`seconds`), by the app's own
 * clock (ms since the epoch): under load a `docker exec` takes seconds, so the drill times the
 * fault by the app's clock, not by when the call returned.
 */
export async function injectDrillFault(
  engine: Engine,
  c: LabContainer,
  fault: DrillFault,
  seconds: number | undefined,
): Promise<{ at?: number; until?: number }> {
  const ctr = engine.docker.getContainer(c.id);
  // The engine acts on the call at once: the drill times these by the call itself.
  if (fault.kind === 'stop') await ctr.stop({ t: 2 });
  else if (fault.kind === 'kill') await ctr.kill({ signal: 'SIGKILL' });
  else if (fault.kind === 'pause') await ctr.pause();
  if (fault.kind === 'stop' || fault.kind === 'kill' || fault.kind === 'pause') return {};
  const view = (await control(
    engine.docker,
    c.id,
    'POST',
    `/faults/${fault.kind}`,
    controlParams(fault, seconds),
  )) as Record<string, AppFaultView> | null;
  const f = view?.[fault.kind];
  return { at: epochMs(f?.since), until: epochMs(f?.until ?? undefined) };
}

/** Back to a running replica without faults, as the drill found it; returns its address now. */
export async function clearDrillFault(engine: Engine, c: LabContainer, fault: DrillFault): Promise<string | undefined> {
  const ctr = engine.docker.getContainer(c.id);
  const before = await ctr.inspect();
  if (before.State.Paused) await ctr.unpause();
  else if (!before.State.Running) await ctr.start();
  else if (isAppFault(fault.kind)) await control(engine.docker, c.id, 'DELETE', `/faults/${fault.kind}`);
  return Object.values((await ctr.inspect()).NetworkSettings.Networks)[0]?.IPAddress || c.ip;
}

const epochMs = (iso: string | undefined): number | undefined => {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
};
