import type { Verdict } from './verdicts-http.ts';

/**
 * The rollout check's verdict: under steady load, lab rolled a service to another version; how
 * many client requests failed meanwhile, and does every replica run the new version at the end,
 * each in rotation in HAProxy. Pure.
 */
export interface RolloutObserved {
  service: string;
  strategy: string;
  from: string;
  to: string;
  /** Client requests sent, and failed, from just before the rollout until it ended. */
  sent: number;
  failed: number;
  /** Failures by cause, e.g. { "HTTP 503": 4, connect: 1 }. */
  failedBy: Readonly<Record<string, number>>;
  /** Each replica of the service at the end, with the version it runs (lab.version). */
  replicas: readonly { name: string; version: string | null }[];
  /** Replicas at the end that HAProxy has UP with a passed health check. */
  inRotation: number;
  /** Why the rollout itself stopped, when it did (a replica that never passed its check). */
  error?: string | undefined;
  ms: number;
}

export interface RolloutExpect {
  maxFailed?: number | undefined;
  minFailed?: number | undefined;
}

export function judgeRollout(o: RolloutObserved, e: RolloutExpect): Verdict {
  const causes = Object.entries(o.failedBy)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const saw = `${o.failed} of ${o.sent} requests failed while ${o.service} rolled from ${o.from} to ${o.to} (${o.strategy}, ${(o.ms / 1000).toFixed(1)} s)${causes ? `: ${causes}` : ''}`;
  if (o.error) return { pass: false, reason: `the rollout did not finish: ${o.error}; ${saw}` };
  if (o.sent === 0)
    return { pass: false, reason: `no request was sent during the rollout: is the load reaching HAProxy?` };
  const behind = o.replicas.filter((r) => r.version !== o.to);
  if (behind.length)
    return {
      pass: false,
      reason: `${saw}; but ${behind.map((r) => `${r.name} runs ${r.version ?? 'no known version'}`).join(', ')}, expected ${o.to} on every replica`,
    };
  if (o.inRotation < o.replicas.length)
    return {
      pass: false,
      reason: `${saw}; but HAProxy has only ${o.inRotation} of the ${o.replicas.length} new replica(s) UP with a passed health check`,
    };
  if (e.maxFailed !== undefined && o.failed > e.maxFailed) {
    const why =
      o.strategy === 'recreate'
        ? 'recreate replaces every replica at once: nothing is left to answer'
        : 'a new replica took requests before it could answer them: does HAProxy retry a refused connection on another server (retries, option redispatch, and a retry-on list that keeps conn-failure), and check new servers fast?';
    return { pass: false, reason: `${saw}; expected at most ${e.maxFailed}: ${why}` };
  }
  if (e.minFailed !== undefined && o.failed < e.minFailed)
    return { pass: false, reason: `${saw}; expected at least ${e.minFailed}` };
  return {
    pass: true,
    reason: `${saw}; every one of the ${o.replicas.length} replica(s) runs ${o.to} and is UP in HAProxy`,
  };
}
