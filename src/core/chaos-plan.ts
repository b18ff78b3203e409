import { UsageError } from './errors.ts';
import type { FaultSpec } from './fault-request.ts';
import { seededRandom } from './seeded-random.ts';

/**
 * A chaos run's plan, the course's Netflix case (カオスエンジニアリングによる耐障害性テスト): which
 * replica breaks, how, when and for how long. Pure: the same seed, duration, faults and replicas
 * always give the same schedule, so a run a student saw can be replayed with --seed.
 */

/** What `lab chaos --faults` may name: lab fault's faults (core/fault-request.ts), without values. */
export const CHAOS_FAULTS = ['kill', 'pause', 'latency', 'errors', 'hang'] as const;
export type ChaosFault = (typeof CHAOS_FAULTS)[number];

export const MIN_CHAOS_SECONDS = 4;
export const MAX_CHAOS_SECONDS = 3600;
export const DEFAULT_CHAOS_SECONDS = 30;
/** Load before the first fault, so the run starts from a healthy steady state. */
export const WARM_UP_MS = 1000;
/** No fault in the last second: the last recovery is part of the run. */
export const TAIL_MS = 1000;
/** Each fault gets a slot at least this long (the fault, then time to recover). */
const SLOT_MS = 2000;

export interface ChaosEvent {
  /** When the fault starts, in ms from the start of the load. */
  atMs: number;
  /** How long it lasts: lab clears kill and pause then; the app clears its own faults itself. */
  forMs: number;
  /** Which replica, 1-based among the service's replicas sorted by number. */
  replica: number;
  fault: Exclude<FaultSpec, { kind: 'clear' }>;
  /** As lab fault writes it: kill, latency=800, errors=0.5. */
  spec: string;
}

export interface ChaosSettings {
  durationS: number;
  seed: number;
  faults: ChaosFault[];
}

const usage = 'lab chaos <lab> --duration SECONDS --seed N [--faults kill,pause,latency,errors,hang]';

/** `--duration`, `--seed`, `--faults` as settings; UsageError (exit 2) before anything starts. */
export function parseChaosSettings(
  o: { duration?: string | undefined; seed?: string | undefined; faults?: string | undefined },
  randomSeed: () => number,
): ChaosSettings {
  const d = o.duration ?? String(DEFAULT_CHAOS_SECONDS);
  const durationS = /^\d+(\.\d+)?$/.test(d.trim()) ? Number(d) : Number.NaN;
  if (!(durationS >= MIN_CHAOS_SECONDS && durationS <= MAX_CHAOS_SECONDS)) {
    throw new UsageError(
      `--duration must be seconds from ${MIN_CHAOS_SECONDS} to ${MAX_CHAOS_SECONDS} (an hour) (got "${d}")`,
      { hint: `e.g. ${usage.replace('SECONDS', '60').replace('N', '42')}` },
    );
  }
  let seed: number;
  if (o.seed === undefined) seed = randomSeed();
  else {
    seed = /^\d{1,10}$/.test(o.seed.trim()) ? Number(o.seed) : Number.NaN;
    if (!(Number.isInteger(seed) && seed <= 0xffffffff))
      throw new UsageError(`--seed must be a whole number from 0 to ${0xffffffff} (got "${o.seed}")`, {
        hint: 'e.g. --seed 42; the same seed replays the same faults',
      });
  }
  return { durationS, seed, faults: parseChaosFaults(o.faults) };
}

/** `kill,pause`: each one of CHAOS_FAULTS, in the order given, without repeats. */
function parseChaosFaults(raw: string | undefined): ChaosFault[] {
  if (raw === undefined) return [...CHAOS_FAULTS];
  const names = raw.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(CHAOS_FAULTS as readonly string[]).includes(n));
  if (unknown.length || names.length === 0) {
    const what = unknown.length
      ? `unknown fault${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}`
      : 'no fault';
    throw new UsageError(`--faults: ${what}; the allowed values are ${CHAOS_FAULTS.join(', ')}`, {
      hint: `e.g. --faults ${CHAOS_FAULTS.slice(0, 2).join(',')} (default: all of them)`,
    });
  }
  return [...new Set(names)] as ChaosFault[];
}

/** How many faults a run of this length holds: one per SLOT_MS between warm-up and tail. */
export const faultSlots = (durationS: number): number =>
  Math.max(1, Math.floor((durationS * 1000 - WARM_UP_MS - TAIL_MS) / SLOT_MS));

/**
 * The faults of a run, one at a time, one per slot. The kinds come in shuffled rounds of
 * `faults`, so every fault listed happens once before any happens twice (a run long enough for
 * the list, faultSlots ≥ faults.length, tries each); the replicas from shuffled decks
 * (replicaDeck); start, length and values are drawn from the seed.
 */
export function chaosSchedule(s: ChaosSettings & { replicas: number }): ChaosEvent[] {
  if (s.replicas < 1 || s.faults.length === 0) return [];
  const rnd = seededRandom(s.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const n = faultSlots(s.durationS);
  const width = (s.durationS * 1000 - WARM_UP_MS - TAIL_MS) / n;
  const kinds: ChaosFault[] = [];
  while (kinds.length < n) {
    const round = [...s.faults];
    for (let i = round.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [round[i], round[j]] = [round[j]!, round[i]!];
    }
    kinds.push(...round);
  }
  const replicas = replicaDeck(s.replicas, rnd);
  return kinds.slice(0, n).map((kind, i) => {
    // Half to three quarters of the slot broken, the rest to recover; on a 100 ms grid.
    const forMs = Math.round((width * (0.5 + 0.25 * rnd())) / 100) * 100;
    // It starts within the first half of the slot's free time, so some recovery always follows.
    const atMs = WARM_UP_MS + Math.round(i * width) + Math.floor(((width - forMs) * 0.5 * rnd()) / 100) * 100;
    const replica = replicas();
    const fault = faultOf(kind, pick);
    return { atMs, forMs, replica, fault, spec: specOf(fault) };
  });
}

/**
 * The replicas faults hit, drawn like cards from shuffled decks: every replica once before any
 * twice, and never the one the previous fault hit, which may still be recovering (a killed
 * replica restarts and must pass its checks again). A fault on a replica already out of rotation
 * does nothing, so a configuration that cannot survive it could pass by luck: with three faults
 * on three replicas, each fault now lands on a replica that serves.
 */
function replicaDeck(count: number, rnd: () => number): () => number {
  let deck: number[] = [];
  let last = 0;
  return () => {
    if (deck.length === 0) {
      deck = Array.from({ length: count }, (_, i) => i + 1);
      for (let i = deck.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [deck[i], deck[j]] = [deck[j]!, deck[i]!];
      }
      // A new deck must not start with the replica the last one ended on.
      if (count > 1 && deck[0] === last) [deck[0], deck[1]] = [deck[1]!, deck[0]!];
    }
    last = deck.shift()!;
    return last;
  };
}

function faultOf(kind: ChaosFault, pick: <T>(list: readonly T[]) => T): ChaosEvent['fault'] {
  if (kind === 'latency') return { kind, ms: pick([500, 800, 1000, 1500, 2000]) };
  if (kind === 'errors') return { kind, rate: pick([0.5, 0.75, 1]) };
  return { kind };
}

function specOf(f: ChaosEvent['fault']): string {
  if (f.kind === 'latency') return `latency=${f.ms}`;
  if (f.kind === 'errors') return `errors=${f.rate}`;
  return f.kind;
}
