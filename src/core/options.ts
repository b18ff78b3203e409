import {
  ALGORITHMS,
  LEAST_TIME_ALIASES,
  MAX_REPLICAS,
  MODES,
  type Algorithm,
  type Lab,
  type Mode,
} from './lab-schema.ts';
import { UsageError } from './errors.ts';
import { EXAMPLE_PAIR, parseImagePair } from './image-substitutions.ts';
import { labServices } from './services.ts';

/** What a user may pass on the command line; strings as typed, before validation. */
export interface RenderFlags {
  replicas?: string | number;
  algorithm?: string;
  mode?: string;
  sticky?: boolean;
  appPort?: string | number;
  statsPort?: string | number;
  statsUser?: string;
  statsPassword?: string;
  expose?: boolean;
  /** Turn on the stats page's admin actions (drain, stop servers) under --expose too. */
  statsAdmin?: boolean;
  project?: string;
  /** Image substitutions FROM=TO, e.g. haproxy:3.0=mirror.local/haproxy:3.0. */
  image?: string[];
}

/** The fully resolved settings a lab is rendered with. */
export interface RenderOptions {
  project: string;
  /** Replicas of every service without its own count in serviceReplicas (core/services.ts replicasOf). */
  replicas: number;
  /** Per-service counts: a service's `replicas` in the lab file, or `lab scale <lab> web=5`. Absent when none. */
  serviceReplicas?: Record<string, number>;
  /** Versions `lab rollout` moved a service to (its VERSION), over the lab file's `version`. Absent when none. */
  serviceVersions?: Record<string, string>;
  algorithm: Algorithm;
  mode: Mode;
  sticky: boolean;
  /** Host ports; null lets Docker pick a free one (used by `lab test` to run labs side by side). */
  appPort: number | null;
  statsPort: number | null;
  statsUser: string;
  statsPassword: string;
  /** Publish on all interfaces instead of 127.0.0.1. */
  expose: boolean;
  /**
   * `stats admin`: whoever has the stats password may drain, stop or re-enable servers from
   * the stats page. On for a lab on loopback; off under --expose unless --stats-admin.
   */
  statsAdmin: boolean;
  images: Record<string, string>;
}

export interface ResolvedOptions {
  options: RenderOptions;
  warnings: string[];
}

const PROJECT = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const CREDENTIAL = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * A --project value, checked the same way by every command that takes one: it names Docker
 * objects and lab's own files (workspace, lock), so it may hold no path separator or "..".
 */
function parseProject(raw: string): string {
  if (!PROJECT.test(raw)) {
    throw new UsageError(
      `--project "${raw}" must be lowercase letters, digits, - and _ (at most 63), starting with a letter or digit`,
      {
        hint: 'e.g. --project lab-03-b',
      },
    );
  }
  return raw;
}

/** The project a command works on: --project when given (checked), else the lab's default. */
export const projectFor = (raw: string | undefined, labId: () => string): string =>
  raw === undefined ? defaultProject(labId()) : parseProject(raw);

/** Compose project name lab uses for a lab unless --project says otherwise. */
export const defaultProject = (labId: string): string => `lab-${labId}`;

/** A whole number typed on the command line, within [min, max]; anything else is a UsageError naming the option. */
function parseWholeNumber(raw: string | number, option: string, min: number, max: number, hint?: string): number {
  const text = String(raw).trim();
  const n = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(
      `${option} must be a whole number from ${min} to ${max}, got "${text}"`,
      hint ? { hint } : undefined,
    );
  }
  return n;
}

export const parseReplicas = (raw: string | number, option = '--replicas'): number =>
  parseWholeNumber(raw, option, 1, MAX_REPLICAS, `Try ${option} 3`);

function parsePort(raw: string | number, option: string): number | null {
  const text = String(raw).trim();
  if (text === 'auto') return null;
  const n = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new UsageError(`${option} must be a port from 1 to 65535 (or "auto"), got "${text}"`);
  }
  return n;
}

function parseAlgorithm(raw: string, warnings: string[]): Algorithm {
  const name = raw.trim().toLowerCase();
  if ((LEAST_TIME_ALIASES as readonly string[]).includes(name)) {
    warnings.push(
      `HAProxy has no "least response time" algorithm (haproxy/haproxy#1570); using leastconn, ` +
        'which sends each request to the replica with the fewest active connections: slow replicas hold connections longer, so they get less.',
    );
    return 'leastconn';
  }
  if (!(ALGORITHMS as readonly string[]).includes(name)) {
    throw new UsageError(`--algorithm "${raw}" is not supported`, {
      hint: `Allowed values: ${ALGORITHMS.join(', ')} (and least-response-time, which maps to leastconn)`,
    });
  }
  return name as Algorithm;
}

function parseMode(raw: string): Mode {
  const name = raw.trim().toLowerCase();
  if (name === 'l7') return 'http';
  if (name === 'l4') return 'tcp';
  if (!(MODES as readonly string[]).includes(name)) {
    throw new UsageError(`--mode "${raw}" is not supported`, { hint: 'Allowed values: http (L7), tcp (L4)' });
  }
  return name as Mode;
}

function parseImages(pairs: string[]): Record<string, string> {
  const images: Record<string, string> = {};
  for (const pair of pairs) {
    const parsed = parseImagePair(pair);
    if (!parsed) throw new UsageError(`--image "${pair}" must look like FROM=TO, e.g. ${EXAMPLE_PAIR}`);
    images[parsed.from] = parsed.to;
  }
  return images;
}

function credential(raw: string, option: string): string {
  if (!CREDENTIAL.test(raw)) {
    throw new UsageError(`${option} may only contain letters, digits and . _ - (1 to 64 characters)`);
  }
  return raw;
}

const ownCounts = (lab: Lab): { serviceReplicas?: Record<string, number> } => {
  const own = labServices(lab).flatMap((s) => (s.replicas === undefined ? [] : [[s.name, s.replicas] as const]));
  return own.length ? { serviceReplicas: Object.fromEntries(own) } : {};
};

/** Merge the lab's defaults with the user's flags and check every value. Pure. */
export function resolveOptions(lab: Lab, flags: RenderFlags = {}): ResolvedOptions {
  const warnings: string[] = [];
  const d = lab.defaults;
  const project = flags.project === undefined ? defaultProject(lab.id) : parseProject(flags.project);
  const mode = flags.mode === undefined ? lab.loadBalancer.mode : parseMode(flags.mode);
  const sticky = flags.sticky ?? d.sticky;
  if (sticky && mode === 'tcp') {
    throw new UsageError(
      '--sticky uses an HTTP cookie, which needs --mode http (L7); in tcp mode HAProxy cannot see cookies',
      {
        hint: 'For stickiness at L4 use --mode tcp --algorithm source',
      },
    );
  }
  const options: RenderOptions = {
    project,
    replicas: flags.replicas === undefined ? d.replicas : parseReplicas(flags.replicas),
    // --replicas N runs every service with N; without it, a service's own count wins.
    ...(flags.replicas === undefined ? ownCounts(lab) : {}),
    algorithm: flags.algorithm === undefined ? lab.loadBalancer.algorithm : parseAlgorithm(flags.algorithm, warnings),
    mode,
    sticky,
    appPort: flags.appPort === undefined ? d.appPort : parsePort(flags.appPort, '--app-port'),
    statsPort: flags.statsPort === undefined ? d.statsPort : parsePort(flags.statsPort, '--stats-port'),
    statsUser: flags.statsUser === undefined ? d.statsUser : credential(flags.statsUser, '--stats-user'),
    statsPassword:
      flags.statsPassword === undefined ? d.statsPassword : credential(flags.statsPassword, '--stats-password'),
    expose: flags.expose ?? false,
    statsAdmin: flags.statsAdmin ?? !flags.expose,
    images: parseImages(flags.image ?? []),
  };
  if (options.appPort !== null && options.appPort === options.statsPort) {
    throw new UsageError(`--app-port and --stats-port are both ${options.appPort}; they must differ`);
  }
  if (options.expose) {
    warnings.push(
      `--expose publishes the app and the stats page on every network interface; anyone who can reach this machine can open the stats page with ${options.statsUser}:${options.statsPassword}` +
        (options.statsPassword === 'admin' ? ' (the default password: set --stats-password)' : '') +
        (options.statsAdmin
          ? ', and with --stats-admin drain or stop the replicas from it'
          : '; its admin actions are off (--stats-admin turns them on)'),
    );
  }
  return { options, warnings };
}

/** --timeout in whole seconds, 1 to 3600, as milliseconds: 0.01 would give up before any container could start. */
export const parseTimeout = (raw: string | undefined, fallback: number): number => {
  const n = raw === undefined ? fallback : /^\s*[0-9]+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 3600)
    throw new UsageError(`--timeout must be a whole number of seconds from 1 to 3600, got "${raw}"`, {
      hint: 'Try --timeout 90',
    });
  return n * 1000;
};

/** An optional count such as --requests or --concurrency (1 to max); undefined when not given. */
export const parseCount = (raw: string | undefined, option: string, max: number): number | undefined =>
  raw === undefined ? undefined : parseWholeNumber(raw, option, 1, max);
