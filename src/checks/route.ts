import { type TrafficRoute, trafficRoute } from '../core/traffic-route.ts';
import type { LabContainer } from '../docker/engine.ts';
import { readStats, type StatsEndpoint } from '../haproxy/stats-client.ts';
import type { TrafficSource } from '../traffic/source.ts';

/** What a probe needs of a check target (checks/target.ts builds one with routeCache, so no import back). */
export interface RouteProbeTarget {
  student: boolean;
  stats: StatsEndpoint;
  traffic: Pick<TrafficSource, 'probe'>;
  apps: readonly Pick<LabContainer, 'service' | 'ip'>[];
}

/** The frontend and backend the traffic of a service (to a path) really goes through. */
export type RouteOf = (service: string, path: string, signal?: AbortSignal) => Promise<TrafficRoute>;

/** Probe requests: enough to stand out of the counters, few enough to cost milliseconds. */
const PROBES = 3;

/**
 * The proxies a check of `service` judges (core/traffic-route.ts). In generated mode lab names
 * every backend after its service; in student mode a few requests go through the lab's port
 * (to `path`, where the check's own traffic goes) and HAProxy's counters say where they went.
 */
async function probeRoute(
  t: RouteProbeTarget,
  service: string,
  path: string,
  signal?: AbortSignal,
): Promise<TrafficRoute> {
  if (!t.student) return { frontend: null, backend: service, how: 'name' };
  const before = await readStats(t.stats);
  // Answers are not judged here: a request that fails (no frontend yet) simply counts nowhere.
  await t.traffic
    .probe(
      Array.from({ length: PROBES }, () => ({ method: 'GET', path })),
      false,
      signal,
    )
    .catch(() => []);
  const after = await readStats(t.stats);
  const ips = t.apps.filter((a) => a.service === service && a.ip).map((a) => a.ip!);
  return trafficRoute(before, after, service, ips);
}

/** The same, asked once per service and path for the life of a target (one grade: the student's file does not change under it). */
export function routeCache(t: RouteProbeTarget): RouteOf {
  const known = new Map<string, Promise<TrafficRoute>>();
  return (service, path, signal) => {
    const key = `${service} ${path}`;
    let r = known.get(key);
    if (!r) {
      r = probeRoute(t, service, path, signal);
      // A failed read is not remembered: the next check asks again.
      r.catch(() => known.delete(key));
      known.set(key, r);
    }
    return r;
  };
}
