import { execa, type ResultPromise } from 'execa';
import { EnvironmentError, InterruptedError, RuntimeError } from '../core/errors.ts';
import type { Output } from '../ui/output.ts';
import type { Endpoint } from './endpoint.ts';

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

/** `docker compose version --short`, memoized per endpoint. Rejects Compose v1 with a clear message. Ctrl-C (`signal`) stops the probe. */
export function composeVersion(endpoint: Endpoint, signal?: AbortSignal): Promise<ComposeVersion> {
  let probe = probes.get(endpoint.host);
  if (!probe) probes.set(endpoint.host, (probe = probeVersion(endpoint.env, signal)));
  return probe;
}

async function probeVersion(env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<ComposeVersion> {
  const r = await execa('docker', ['compose', 'version', '--short'], { env, reject: false, timeout: 10_000, cancelSignal: signal });
  if (r.isCanceled) throw new InterruptedError('Interrupted while checking the Docker engine and Compose');
  if (r.failed) throw await composeUnavailable(env, (r as { code?: string }).code === 'ENOENT', String(r.stderr));
  return parseComposeVersion(String(r.stdout));
}

/**
 * Pure: whether a failed `docker compose …` failed because there is no Compose v2 to run (the
 * CLI's "'compose' is not a docker command"), or no docker CLI at all, rather than in Compose.
 */
export const composeMissing = (spawnError: string | undefined, stderr: string): boolean =>
  spawnError === 'ENOENT' || /'compose' is not a docker command|unknown command "compose"/i.test(stderr);

/** The error for a machine without Compose v2: names Compose v1 when that is what is installed. */
async function composeUnavailable(env: NodeJS.ProcessEnv, noCli: boolean, stderr: string): Promise<EnvironmentError> {
  const v1 = await execa('docker-compose', ['version', '--short'], { env, reject: false, timeout: 10_000 });
  const hint = 'Install the Compose v2 plugin (package docker-compose-plugin, or docker-compose from Debian 13), then run lab doctor';
  if (!v1.failed && /^1\./.test(String(v1.stdout).trim())) {
    return new EnvironmentError(`Only Compose v1 (docker-compose ${String(v1.stdout).trim()}) is installed; lab needs Compose v2 ("docker compose")`, { hint });
  }
  return new EnvironmentError(noCli ? 'The docker CLI is not installed' : `"docker compose" is not available: ${firstLine(stderr)}`, { hint });
}

/** Pure. Accepts "2.26.1", "v2.40.0" and the v5 line ("5.0.0"): everything from 2 on is v2-style. */
export function parseComposeVersion(text: string): ComposeVersion {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  if (!m) throw new EnvironmentError(`Could not read the Compose version from "${text.trim()}"`);
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major < 2) throw new EnvironmentError(`Compose ${m[0]} is too old; lab needs Compose v2`, { hint: 'Install the Compose v2 plugin, then run lab doctor' });
  return { version: m[0], major, minor };
}

export interface RunOptions {
  out: Output;
  signal?: AbortSignal;
  /** Stream compose's own output to stderr as it comes (always under --verbose). */
  stream?: boolean;
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
    ...(o.stream || o.out.verbose ? { stderr: ['pipe', o.out.stderr.isTTY ? 'inherit' : 'pipe'] as never } : {}),
  });
  const r = await child;
  if (r.isCanceled) throw new InterruptedError(`Interrupted during docker compose ${args[0]}`);
  if (r.failed) {
    // `lab up` runs no version probe first (Compose takes 0.3 s to say its version): a machine
    // without Compose v2 is told here, before Compose could start anything.
    const spawnError = (r as { code?: string }).code;
    if (composeMissing(spawnError, String(r.stderr ?? ''))) throw await composeUnavailable(endpoint.env, spawnError === 'ENOENT', String(r.stderr ?? ''));
    throw composeError(args[0] ?? '', String(r.stderr ?? ''), r.exitCode);
  }
  return String(r.stdout ?? '');
}

/** Turn compose's stderr into a message that says what went wrong and what to do. */
export function composeError(sub: string, stderr: string, exitCode: number | undefined): RuntimeError | EnvironmentError {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
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
  return new RuntimeError(`docker compose ${sub} failed${exitCode === undefined ? '' : ` (exit ${exitCode})`}`, { details: tail });
}

const portOf = (text: string) => /(\d+\.\d+\.\d+\.\d+:\d+|:\d+)/.exec(text)?.[1] ?? 'see below';
const firstLine = (s: string) => s.trim().split('\n')[0] ?? '';
