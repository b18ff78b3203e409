import { UsageError } from './errors.ts';

/**
 * `lab fault` arguments as a fault request, and the words that describe a replica's faults.
 * Pure: checked before lab touches the engine, so a bad value changes nothing.
 */

/** Faults the app's control port injects (compose/whoami/lib/faults.mjs FAULTS). */
const APP_FAULTS = ['latency', 'errors', 'hang', 'unhealthy'] as const;
export const FAULT_SPECS = ['latency=MS', 'errors=RATE', 'hang', 'unhealthy', 'kill', 'pause', 'clear'] as const;

export type AppFault = (typeof APP_FAULTS)[number];

export type FaultSpec =
  | { kind: 'latency'; ms: number }
  | { kind: 'errors'; rate: number }
  | { kind: 'hang' | 'unhealthy' | 'kill' | 'pause' | 'clear' };

/** What to break, where, and for how long. */
export interface FaultRequest {
  service: string;
  /** Compose's replica number; undefined lets lab pick one (or, for clear, every replica). */
  replica: number | undefined;
  fault: FaultSpec;
  /** Seconds after which the app clears the fault itself; app faults only. */
  seconds: number | undefined;
}

const MAX_LATENCY_MS = 60_000;
const MAX_FOR_SECONDS = 86_400;

const allowed = `one of ${FAULT_SPECS.join(', ')}`;
const usage = 'lab fault <lab> <service>[/<replica>] <fault> [--for SECONDS], e.g. lab fault 03 app/2 latency=300';

/** `app`, `app/2`: the service and the replica number. */
function parseTarget(raw: string): { service: string; replica: number | undefined } {
  const m = /^([a-z0-9][a-z0-9_.-]*)(?:\/(\d{1,4}))?$/.exec(raw);
  if (!m || m[2] === '0' || m[2]?.startsWith('0')) {
    throw new UsageError(
      `<service>[/<replica>] "${raw}" must be a service name, optionally with a replica number from 1, e.g. app or app/2`,
      { hint: usage },
    );
  }
  return { service: m[1]!, replica: m[2] === undefined ? undefined : Number(m[2]) };
}

/** `latency=300`, `errors=0.5`, `hang`, … as a fault. */
export function parseFaultSpec(raw: string): FaultSpec {
  const [kind = '', value, ...rest] = raw.split('=');
  const bad = (what: string): never => {
    throw new UsageError(`<fault> "${raw}": ${what}`, { hint: `Use ${allowed}. ${usage}` });
  };
  if (rest.length) bad('one "=" at most');
  switch (kind) {
    case 'latency': {
      if (value === undefined) bad(`latency needs milliseconds, e.g. latency=300 (0-${MAX_LATENCY_MS})`);
      if (!/^\d+$/.test(value!) || Number(value) > MAX_LATENCY_MS)
        bad(`latency must be whole milliseconds from 0 to ${MAX_LATENCY_MS} (got "${value}")`);
      return { kind, ms: Number(value) };
    }
    case 'errors': {
      if (value === undefined) bad('errors needs the rate of failing requests from 0 to 1, e.g. errors=0.5');
      const rate = /^(\d+(\.\d*)?|\.\d+)$/.test(value!) ? Number(value) : Number.NaN;
      if (!(rate >= 0 && rate <= 1))
        bad(`errors must be a rate from 0 to 1, e.g. errors=0.25 for every 4th request (got "${value}")`);
      return { kind, rate };
    }
    case 'hang':
    case 'unhealthy':
    case 'kill':
    case 'pause':
    case 'clear':
      if (value !== undefined) bad(`${kind} takes no value`);
      return { kind };
    default:
      return bad(`unknown fault "${kind}"`);
  }
}

/** --for SECONDS: only for faults the app clears itself. */
function parseFor(raw: string | undefined, fault: FaultSpec): number | undefined {
  if (raw === undefined) return undefined;
  if (!isAppFault(fault.kind)) {
    throw new UsageError(`--for works with ${APP_FAULTS.join(', ')}, not with ${fault.kind}`, {
      hint:
        fault.kind === 'clear'
          ? 'clear takes effect at once'
          : `Clear it yourself: lab fault <lab> <service>/<replica> clear`,
    });
  }
  const n = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= 0.001 && n <= MAX_FOR_SECONDS)) {
    throw new UsageError(`--for "${raw}" must be seconds from 0.001 to ${MAX_FOR_SECONDS}`, { hint: 'e.g. --for 30' });
  }
  return n;
}

export function parseFaultRequest(target: string, spec: string, forSeconds?: string): FaultRequest {
  const fault = parseFaultSpec(spec);
  return { ...parseTarget(target), fault, seconds: parseFor(forSeconds, fault) };
}

export const isAppFault = (kind: string): kind is AppFault => (APP_FAULTS as readonly string[]).includes(kind);

/** The control port's parameters of an app fault (compose/whoami/README.md, control port). */
export function controlParams(fault: FaultSpec, seconds: number | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  if (fault.kind === 'latency') params.ms = String(fault.ms);
  if (fault.kind === 'errors') params.rate = String(fault.rate);
  if (seconds !== undefined) params.for = String(seconds);
  return params;
}

/**
 * Which replica a request means: the one named (it must exist), else the lowest-numbered
 * running one. Replicas are compose's numbers of the service's containers.
 */
export function pickReplica(
  req: Pick<FaultRequest, 'service' | 'replica'>,
  replicas: { number: number; state: string }[],
): number {
  const numbers = replicas.map((r) => r.number).sort((a, b) => a - b);
  if (req.replica !== undefined) {
    if (!numbers.includes(req.replica)) {
      throw new UsageError(
        `${req.service} has no replica ${req.replica}: its replicas are ${numbers.join(', ') || 'none'}`,
        { hint: `e.g. ${req.service}/${numbers[0] ?? 1}` },
      );
    }
    return req.replica;
  }
  const running = replicas
    .filter((r) => r.state === 'running')
    .map((r) => r.number)
    .sort((a, b) => a - b);
  const pick = running[0] ?? numbers[0];
  if (pick === undefined)
    throw new UsageError(`${req.service} has no replicas`, { hint: 'lab scale <lab> <n> starts some' });
  return pick;
}

/** The service names a request may name: every compose service but HAProxy. */
export function checkService(service: string, services: string[]): void {
  const apps = services.filter((s) => s !== 'haproxy');
  if (!apps.includes(service)) {
    throw new UsageError(
      `Unknown service "${service}": lab fault breaks the app services of this lab, which are ${[...new Set(apps)].sort().join(', ') || 'none'}`,
      {
        hint: `e.g. lab fault <lab> ${apps[0] ?? 'app'}/1 latency=300`,
      },
    );
  }
}

/** A fault as the control port's GET /faults shows it (compose/whoami/lib/faults.mjs view()). */
export interface AppFaultView {
  ms?: number;
  rate?: number;
  status?: number;
  since?: string;
  until?: string | null;
  seen?: number;
  failed?: number;
}

/**
 * One replica's faults in words: the engine's (paused, stopped) and the app's, e.g.
 * `latency 300 ms (until 12:00:30)`, `errors 50% (3 of 6 failed)`. Empty when none.
 */
export function describeFaults(engineState: string, app: Record<string, AppFaultView> | undefined): string[] {
  const out: string[] = [];
  if (engineState === 'paused') out.push('paused');
  else if (engineState === 'exited' || engineState === 'dead') out.push(`stopped (${engineState})`);
  for (const [kind, f] of Object.entries(app ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const until = f.until ? ` until ${f.until.slice(11, 19)}` : '';
    if (kind === 'latency') out.push(`latency ${f.ms} ms${until}`);
    else if (kind === 'errors')
      out.push(
        `errors ${Math.round((f.rate ?? 0) * 1000) / 10}%${f.seen ? ` (${f.failed} of ${f.seen} failed)` : ''}${until}`,
      );
    else if (kind === 'unhealthy') out.push(`unhealthy (health ${f.status ?? 503})${until}`);
    else out.push(`${kind}${until}`);
  }
  return out;
}
