import type { Lab, LabApp } from './lab-schema.ts';

/**
 * The one place that reads `app:` or `services:`: every other part of lab sees a list of
 * services. `app:` is one service named app, so a lab written before `services:` renders,
 * runs and is checked exactly as before. Pure.
 */

/** One app service: a compose service, its DNS name, and (generated mode) its HAProxy backend. */
export interface LabService extends Omit<LabApp, 'environment'> {
  name: string;
  environment: Record<string, string>;
  /** Replicas the lab file gives this service; defaults.replicas when absent. */
  replicas?: number;
  /** Generated mode: the path prefix routed to this service. */
  path?: string;
  /** Where the service is in the lab file, for file:line:col problems: ['app'] or ['services', name]. */
  at: string[];
}

/** The name `app:` runs under: its compose service, DNS name and HAProxy backend. */
export const APP_SERVICE = 'app';

export function labServices(lab: Pick<Lab, 'app' | 'services'>): LabService[] {
  if (lab.app) return [{ ...lab.app, name: APP_SERVICE, environment: lab.app.environment ?? {}, at: ['app'] }];
  return Object.entries(lab.services ?? {}).map(([name, s]) => ({
    ...s,
    name,
    environment: s.environment ?? {},
    at: ['services', name],
  }));
}

/** The service that gets every request no path matches: the first without a path, else the first. */
export const defaultService = <S extends Pick<LabService, 'path'>>(services: readonly S[]): S =>
  services.find((s) => s.path === undefined) ?? services[0]!;

/**
 * Where a distribution or failover check aims: the backend it judges (its `service:`, else the
 * default service) and the path its traffic takes (its `path:`, else the prefix the service is
 * routed under in generated mode, else /). In student mode the student routes: a check of
 * another service than the default gives the path the student's file sends to it. Pure.
 */
export function checkAim(
  services: readonly Pick<LabService, 'name' | 'path'>[],
  check: { service?: string | undefined; path?: string | undefined },
): { backend: string; path: string } {
  const backend = check.service ?? (services.length ? defaultService(services).name : APP_SERVICE);
  const prefix = services.find((s) => s.name === backend)?.path;
  return { backend, path: check.path ?? (prefix ? `${prefix.replace(/\/+$/, '')}/` : '/') };
}

export const serviceNames = (lab: Pick<Lab, 'app' | 'services'>): string[] => labServices(lab).map((s) => s.name);

/** How many replicas each service runs under these options (resolveOptions fills serviceReplicas). */
export const replicasOf = (
  o: { replicas: number; serviceReplicas?: Record<string, number> },
  service: string,
): number => o.serviceReplicas?.[service] ?? o.replicas;

/** The version a service runs under these options: lab rollout's, else the lab file's. */
export const versionOf = (
  s: Pick<LabService, 'name' | 'version'>,
  o: { serviceVersions?: Record<string, string> },
): string | undefined => o.serviceVersions?.[s.name] ?? s.version;

/** Every service's replica count, in the lab's order. */
export const replicaCounts = (
  lab: Pick<Lab, 'app' | 'services'>,
  o: { replicas: number; serviceReplicas?: Record<string, number> },
): { service: string; replicas: number }[] =>
  serviceNames(lab).map((service) => ({ service, replicas: replicasOf(o, service) }));

/** "3 replica(s)" for one service, "web 3, api 2" for several: what progress lines say. */
export function describeReplicas(counts: readonly { service: string; replicas: number }[]): string {
  if (counts.length === 1) return `${counts[0]!.replicas} replica(s)`;
  return `${counts.reduce((n, c) => n + c.replicas, 0)} replica(s) (${counts.map((c) => `${c.service} ${c.replicas}`).join(', ')})`;
}

/** "2/3 replicas UP" for one service, "web 2/3, api 1/1 replicas UP" for several. */
export const upText = (each: readonly { service: string; up: number; replicas: number }[]): string =>
  `${each.map((e) => `${each.length > 1 ? `${e.service} ` : ''}${e.up}/${e.replicas}`).join(', ')} replicas UP`;
