import { statSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { EnvironmentError, InterruptedError, RuntimeError } from '../core/errors.ts';
import type { Output } from '../ui/output.ts';
import { dockerConfigDir, type Endpoint, readDockerConfig } from './endpoint.ts';

/**
 * The one module that runs `docker compose`: it owns the argv, the version probe and the
 * reading of compose's errors. Every call pins the project name and the file, so compose never
 * guesses either from the working directory.
 */
export interface ComposeTarget {
  project: string;
  /** Absent for commands compose can run from labels alone (logs, ps, down). */
  file?: string;
}

/** Pure: the argv of one compose call. */
export const composeArgv = (t: ComposeTarget, args: string[]): string[] => [
  'compose',
  '--project-name',
  t.project,
  ...(t.file ? ['--file', t.file] : []),
  ...args,
];

export interface ComposeVersion {
  version: string;
  major: number;
  minor: number;
}

const probes = new Map<string, Promise<ComposeVersion>>();

/**
 * Pure: where the docker CLI looks for the compose plugin, in its order (docker/cli
 * cli-plugins/manager: `cliPluginsExtraDirs` of config.json, then <config dir>/cli-plugins, then
 * the system folders; https://docs.docker.com/engine/extend/cli_plugins/).
 */
export function composePluginPaths(configDir: string, configJson: string | undefined): string[] {
  let extra: string[] = [];
  try {
    const dirs = (JSON.parse(configJson ?? '{}') as { cliPluginsExtraDirs?: unknown } | null)?.cliPluginsExtraDirs;
    if (Array.isArray(dirs)) extra = dirs.filter((d): d is string => typeof d === 'string');
  } catch {
    // An unreadable config: the docker CLI warns and goes on without it.
  }
  const system = [
    '/usr/local/lib/docker/cli-plugins',
    '/usr/local/libexec/docker/cli-plugins',
    '/usr/lib/docker/cli-plugins',
    '/usr/libexec/docker/cli-plugins',
  ];
  return [...extra, join(configDir, 'cli-plugins'), ...system].map((dir) => join(dir, 'docker-compose'));
}

/**
 * Pre-flight of commands that run Compose: a compose plugin where the docker CLI looks for it
 * is enough, without a process (`docker compose version` takes 0.3 s, the plugin's own start).
 * Where none is found, the version probe says what is missing before anything is written.
 */
export async function ensureCompose(endpoint: Endpoint, signal?: AbortSignal): Promise<void> {
  const found = composePluginPaths(dockerConfigDir(endpoint.env), readDockerConfig(endpoint.env)).some((path) => {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  });
  if (!found) await composeVersion(endpoint, signal);
}

/** `docker compose version --short`, memoized per endpoint. Rejects Compose v1 with a clear message. Ctrl-C (`signal`) stops the probe. */
export function composeVersion(endpoint: Endpoint, signal?: AbortSignal): Promise<ComposeVersion> {
  let probe = probes.get(endpoint.host);
  if (!probe) probes.set(endpoint.host, (probe = probeVersion(endpoint.env, signal)));
  return probe;
}

async function probeVersion(env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<ComposeVersion> {
  const r = await execa('docker', ['compose', 'version', '--short'], {
    env,
    reject: false,
    timeout: 10_000,
    cancelSignal: signal,
  });
  if (r.isCanceled) throw new InterruptedError('Interrupted while checking Compose');
  if (r.failed) throw await composeUnavailable(env, (r as { code?: string }).code === 'ENOENT', String(r.stderr));
  return parseComposeVersion(String(r.stdout));
}

/**
 * Pure: whether the docker CLI itself refused a `docker compose …` call rather than Compose
 * failing in it. Without the plugin the CLI parses Compose's flags as its own ("unknown flag:
 * --project-name", exit 125, docker CLI 28) or names the command ("unknown command: docker
 * compose"; older CLIs: "'compose' is not a docker command"); no CLI at all is ENOENT.
 */
export const cliRefusedCompose = (
  spawnError: string | undefined,
  exitCode: number | undefined,
  stderr: string,
): boolean =>
  spawnError === 'ENOENT' ||
  exitCode === 125 ||
  /unknown (shorthand )?flag|unknown command|is not a docker command/i.test(stderr);

/** The error for a machine without Compose v2: names Compose v1 when that is what is installed. */
async function composeUnavailable(env: NodeJS.ProcessEnv, noCli: boolean, stderr: string): Promise<EnvironmentError> {
  const v1 = await execa('docker-compose', ['version', '--short'], { env, reject: false, timeout: 10_000 });
  const hint =
    'Install the Compose v2 plugin (package docker-compose-plugin, or docker-compose from Debian 13), then run lab doctor';
  if (!v1.failed && /^1\./.test(String(v1.stdout).trim())) {
    return new EnvironmentError(
      `Only Compose v1 (docker-compose ${String(v1.stdout).trim()}) is installed; lab needs Compose v2 ("docker compose")`,
      { hint },
    );
  }
  return new EnvironmentError(
    noCli ? 'The docker CLI is not installed' : `"docker compose" is not available: ${firstLine(stderr)}`,
    { hint },
  );
}

/** Pure. Accepts "2.26.1", "v2.40.0" and the v5 line ("5.0.0"): everything from 2 on is v2-style. */
export function parseComposeVersion(text: string): ComposeVersion {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  if (!m) throw new EnvironmentError(`Could not read the Compose version from "${text.trim()}"`);
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major < 2)
    throw new EnvironmentError(`Compose ${m[0]} is too old; lab needs Compose v2`, {
      hint: 'Install the Compose v2 plugin, then run lab doctor',
    });
  return { version: m[0], major, minor };
}

export interface RunOptions {
  out: Output;
  signal?: AbortSignal;
  /** Stream compose's own output to stderr as it comes (always under --verbose). */
  stream?: boolean;
  /**
   * Run compose in a process group of its own: a Ctrl-C at the terminal (SIGINT to the
   * foreground process group) then reaches lab only, which lets a call that must finish (a
   * rollout's replacement replicas) finish. lab forwards nothing; `signal` still stops it.
   */
  ownGroup?: boolean;
}

/** Run one compose command; failures become RuntimeErrors carrying compose's own words. */
export async function runCompose(endpoint: Endpoint, t: ComposeTarget, args: string[], o: RunOptions): Promise<string> {
  const argv = composeArgv(t, args);
  o.out.debug(`$ docker ${argv.join(' ')}`);
  const child: ResultPromise = execa('docker', argv, {
    env: endpoint.env,
    reject: false,
    cancelSignal: o.signal,
    forceKillAfterDelay: 3000,
    stdin: 'ignore',
    ...(o.ownGroup ? { detached: true } : {}),
    ...(o.stream || o.out.verbose ? { stderr: ['pipe', o.out.stderr.isTTY ? 'inherit' : 'pipe'] as never } : {}),
  });
  const r = await child;
  if (r.isCanceled) throw new InterruptedError(`Interrupted during docker compose ${args[0]}`);
  if (r.failed) {
    // A plugin found on disk (ensureCompose) may still not run, or the CLI may not be the one
    // that found it: when the CLI refused the call, the probe says why (and throws).
    if (cliRefusedCompose((r as { code?: string }).code, r.exitCode, String(r.stderr ?? '')))
      await composeVersion(endpoint, o.signal);
    throw composeError(args[0] ?? '', String(r.stderr ?? ''), r.exitCode);
  }
  return String(r.stdout ?? '');
}

/** Turn compose's stderr into a message that says what went wrong and what to do. */
export function composeError(
  sub: string,
  stderr: string,
  exitCode: number | undefined,
): RuntimeError | EnvironmentError {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const important = lines.filter((l) => /error|denied|failed|not found|already|refused/i.test(l));
  const tail = (important.length ? important : lines).slice(-6);
  const text = tail.join('\n');
  if (/port is already allocated|address already in use/i.test(text)) {
    return new EnvironmentError(`A port lab needs is already in use: ${portOf(text)}`, {
      details: tail,
      hint: 'Free the port or choose others with --app-port and --stats-port (or "auto")',
    });
  }
  if (/pull access denied|manifest unknown|no such host|dial tcp|TLS handshake|i\/o timeout/i.test(text)) {
    return new EnvironmentError('An image could not be pulled (no registry reachable, or no such image)', {
      details: tail,
      hint: 'Run lab prepare while online, load a bundle with lab prepare --load, or map images with --image FROM=TO',
    });
  }
  return new RuntimeError(`docker compose ${sub} failed${exitCode === undefined ? '' : ` (exit ${exitCode})`}`, {
    details: tail,
  });
}

const portOf = (text: string) => /(\d+\.\d+\.\d+\.\d+:\d+|:\d+)/.exec(text)?.[1] ?? 'see below';
const firstLine = (s: string) => s.trim().split('\n')[0] ?? '';
