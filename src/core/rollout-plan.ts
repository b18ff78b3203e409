import { UsageError } from './errors.ts';

/**
 * lab rollout's plan, decided before anything is touched: which replicas go in which batch,
 * and whether the request makes sense (exit 2 otherwise, nothing changed). Pure.
 */

export const STRATEGIES = ['rolling', 'recreate'] as const;
type Strategy = (typeof STRATEGIES)[number];

export interface RolloutPlan {
  service: string;
  from: string;
  to: string;
  strategy: Strategy;
  /** Replica numbers (the N of `<project>-app-N`), batch by batch. recreate: one batch of all. Only replicas not on `to` yet. */
  batches: number[][];
  /** Replicas already on `to` (a rollout that was interrupted, or run twice): left alone. */
  already: number[];
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
  /** The versions the lab file declares for the service (`versions:`); undefined when it declares none. */
  versions: readonly string[] | undefined;
  /** Replica numbers of the service that exist now. */
  replicas: readonly number[];
  /** The version each replica runs now (its lab.version label), when known. */
  current?: Readonly<Record<number, string>>;
}

export function planRollout(i: RolloutInput): RolloutPlan {
  const ref = `lab rollout <lab> ${i.service} --to v2`;
  if (!i.services.includes(i.service)) {
    throw new UsageError(
      `Unknown service "${i.service}": the lab's app service is ${i.services.join(', ') || '(none)'}`,
      { hint: ref.replace(i.service, i.services[0] ?? 'app') },
    );
  }
  if (!VERSION.test(i.to)) {
    throw new UsageError(`--to must be a version of letters, digits, ".", "_" and "-", at most 32 (got "${i.to}")`, {
      hint: ref,
    });
  }
  if (!i.versions) {
    throw new UsageError(
      `${i.service} declares no versions to roll to: the lab file needs versions: [v1, v2] (and version: v1) under ${i.service === 'app' ? 'app' : `services.${i.service}`}`,
      { hint: 'lab validate <lab file>, then lab up <lab> again' },
    );
  }
  if (!i.versions.includes(i.to)) {
    throw new UsageError(
      `--to must be one of the versions ${i.service} has: ${i.versions.join(', ')} (got "${i.to}")`,
      { hint: `lab rollout <lab> ${i.service} --to ${i.versions.find((v) => v !== i.from) ?? i.versions[0]}` },
    );
  }
  const strategy = (i.strategy ?? 'rolling') as Strategy;
  if (!STRATEGIES.includes(strategy)) {
    throw new UsageError(`--strategy must be one of ${STRATEGIES.join(', ')} (got "${i.strategy}")`, { hint: ref });
  }
  if (strategy === 'recreate' && i.batch !== undefined) {
    throw new UsageError('--batch is for --strategy rolling: recreate replaces every replica at once', { hint: ref });
  }
  const replicas = [...i.replicas].sort((a, b) => a - b);
  if (replicas.length === 0)
    throw new UsageError(`${i.service} has no replicas to roll`, { hint: 'Start the lab first: lab up <lab>' });
  const batch = i.batch === undefined ? 1 : Number(i.batch);
  if (!/^\d+$/.test(i.batch ?? '1') || batch < 1 || batch > replicas.length) {
    throw new UsageError(
      `--batch must be a whole number from 1 to ${replicas.length}, the replicas of ${i.service} (got "${i.batch}")`,
      { hint: `${ref} --batch 1` },
    );
  }
  const already = replicas.filter((n) => i.current?.[n] === i.to);
  const todo = replicas.filter((n) => !already.includes(n));
  const batches = todo.length === 0 ? [] : strategy === 'recreate' ? [todo] : chunks(todo, batch);
  return { service: i.service, from: i.from, to: i.to, strategy, batches, already };
}

const chunks = <T>(xs: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / size) }, (_, k) => xs.slice(k * size, k * size + size));

/** What happened to one replica, for the summary and --json. */
export interface ReplicaRollout {
  replica: number;
  /** Its HAProxy server before (null: HAProxy had no server on its address). */
  server: string | null;
  from: string;
  to: string;
  /** From `state drain` until its sessions ended (scur 0); 0 for recreate. */
  drainMs: number;
  /** From the start of its batch until its replacement was UP with a passed health check. */
  downMs: number;
  /** The replica that replaced it (the N of `<project>-app-N`) and its server. */
  newReplica: number | null;
  newServer: string | null;
}

/** The summary printed on stdout. Pure. */
export function describeRollout(plan: RolloutPlan, results: readonly ReplicaRollout[], totalMs: number): string {
  const head = `${plan.service}: ${plan.from} → ${plan.to} (${plan.strategy}, ${plan.batches.length} batch(es)) in ${(totalMs / 1000).toFixed(1)} s`;
  const lines = results.map((r) => {
    const by =
      r.newReplica === null ? '' : `, now ${plan.service}/${r.newReplica}${r.newServer ? ` (${r.newServer})` : ''}`;
    const drained = plan.strategy === 'rolling' ? `drained in ${r.drainMs} ms, ` : '';
    return `  ${plan.service}/${r.replica}${r.server ? ` (${r.server})` : ''}: ${r.from} → ${r.to}${by}, ${drained}back in rotation after ${r.downMs} ms`;
  });
  const already = plan.already.length
    ? [`  already on ${plan.to}: ${plan.already.map((n) => `${plan.service}/${n}`).join(', ')}`]
    : [];
  return [head, ...lines, ...already].join('\n');
}
