import { UsageError } from './errors.ts';

/**
 * lab rollout's plan, decided before anything is touched: which replicas go in which batch,
 * and whether the request makes sense (exit 2 otherwise, nothing changed). Pure.
 */

export const STRATEGIES = ['rolling', 'recreate'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface RolloutPlan {
  service: string;
  from: string;
  to: string;
  strategy: Strategy;
  /** Replica numbers (the N of `<project>-app-N`), batch by batch. recreate: one batch of all. */
  batches: number[][];
}

/** What the demo app accepts as VERSION (compose/whoami/lib/settings.mjs): letters, digits, `.`, `_`, `-`. */
const VERSION = /^[A-Za-z0-9._-]{1,32}$/;

export interface RolloutInput {
  service: string;
  services: readonly string[];
  to: string;
  /** The version the lab runs now (lab.json), when known. */
  from: string;
  strategy?: string;
  batch?: string;
  /** Replica numbers of the service that exist now. */
  replicas: readonly number[];
}

export function planRollout(i: RolloutInput): RolloutPlan {
  const ref = `lab rollout <lab> ${i.service} --to v2`;
  if (!i.services.includes(i.service)) {
    throw new UsageError(`Unknown service "${i.service}": the lab's app service is ${i.services.join(', ') || '(none)'}`, { hint: ref.replace(i.service, i.services[0] ?? 'app') });
  }
  if (!VERSION.test(i.to)) {
    throw new UsageError(`--to must be a version of letters, digits, ".", "_" and "-", at most 32 (got "${i.to}")`, { hint: ref });
  }
  const strategy = (i.strategy ?? 'rolling') as Strategy;
  if (!STRATEGIES.includes(strategy)) {
    throw new UsageError(`--strategy must be one of ${STRATEGIES.join(', ')} (got "${i.strategy}")`, { hint: ref });
  }
  const replicas = [...i.replicas].sort((a, b) => a - b);
  if (replicas.length === 0) throw new UsageError(`${i.service} has no replicas to roll`, { hint: 'Start the lab first: lab up <lab>' });
  const batch = i.batch === undefined ? 1 : Number(i.batch);
  if (!/^\d+$/.test(i.batch ?? '1') || batch < 1 || batch > replicas.length) {
    throw new UsageError(`--batch must be a whole number from 1 to ${replicas.length}, the replicas of ${i.service} (got "${i.batch}")`, { hint: `${ref} --batch 1` });
  }
  if (strategy === 'recreate' && i.batch !== undefined) {
    throw new UsageError('--batch is for --strategy rolling: recreate replaces every replica at once', { hint: ref });
  }
  const batches = strategy === 'recreate' ? [replicas] : chunks(replicas, batch);
  return { service: i.service, from: i.from, to: i.to, strategy, batches };
}

const chunks = <T>(xs: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(xs.length / size) }, (_, k) => xs.slice(k * size, k * size + size));

/** What happened to one replica, for the summary and --json. */
export interface ReplicaRollout {
  replica: number;
  server: string | null;
  from: string;
  to: string;
  /** From `state drain` until its sessions ended (scur 0). */
  drainMs: number;
  /** From taking it out until HAProxy had it UP again with a passed check. */
  downMs: number;
}

/** The summary line printed on stdout. Pure. */
export function describeRollout(plan: RolloutPlan, results: readonly ReplicaRollout[], totalMs: number): string {
  const lines = results.map((r) => `  ${plan.service}/${r.replica}${r.server ? ` (${r.server})` : ''}: ${r.from} → ${r.to}, drained in ${r.drainMs} ms, out of rotation ${r.downMs} ms`);
  return [`${plan.service}: ${plan.from} → ${plan.to} (${plan.strategy}, ${plan.batches.length} batch(es)) in ${(totalMs / 1000).toFixed(1)} s`, ...lines].join('\n');
}
