import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { EnvironmentError } from '../core/errors.ts';
import { sshAgent } from './ssh-agent.ts';

/**
 * The daemon lab talks to. dockerode reads only DOCKER_HOST and ignores `docker context`
 * (apocas/docker-modem lib/modem.js), while the docker CLI honours both; so the endpoint is
 * resolved once here and handed to both, which then always reach the same daemon.
 */
export interface Endpoint {
  /** e.g. unix:///var/run/docker.sock, tcp://127.0.0.1:2375, ssh://user@host */
  host: string;
  /** Where it came from, for messages. */
  source: '--host' | 'DOCKER_HOST' | `context ${string}` | 'default';
  /** Environment for docker/compose child processes: pinned to this endpoint. */
  env: NodeJS.ProcessEnv;
}

const DEFAULT_HOST = 'unix:///var/run/docker.sock';

/** `--host` wins, then DOCKER_HOST, then the current docker context. */
export async function resolveEndpoint(env: NodeJS.ProcessEnv, hostFlag?: string): Promise<Endpoint> {
  const pinned = (host: string): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...env, DOCKER_HOST: host };
    delete e.DOCKER_CONTEXT;
    return e;
  };
  if (hostFlag) {
    const host = checkHost(hostFlag, '--host');
    return { host, source: '--host', env: pinned(host) };
  }
  if (env.DOCKER_HOST) return { host: checkHost(env.DOCKER_HOST, 'DOCKER_HOST'), source: 'DOCKER_HOST', env };
  const context = await currentContext(env);
  if (context && context.host !== DEFAULT_HOST) {
    // TLS contexts carry certificates dockerode can't read; keep the CLI on the context and
    // let the engine module report a clear error for dockerode.
    return { host: context.host, source: `context ${context.name}`, env };
  }
  return { host: DEFAULT_HOST, source: 'default', env };
}

function checkHost(host: string, source: '--host' | 'DOCKER_HOST'): string {
  // URL.canParse: a host such as tcp://[::1 passes the scheme test but is no URL at all.
  if (!/^(unix|tcp|ssh|npipe):\/\//.test(host) || !URL.canParse(host)) {
    throw new EnvironmentError(`Docker host "${host}" (from ${source}) is not a unix://, tcp:// or ssh:// address`, {
      hint: 'Example: --host ssh://student@pc12 or DOCKER_HOST=unix:///var/run/docker.sock',
    });
  }
  return host;
}

/**
 * Whether the docker CLI would use its default context, told from what it reads itself
 * (DOCKER_CONTEXT, then `currentContext` in $DOCKER_CONFIG/config.json, https://docs.docker.com/engine/manage-resources/contexts/):
 * on most machines no context is set, and this spares every engine command a `docker` process
 * (50 ms here). Anything else, or a file it cannot read, leaves the question to the CLI.
 */
export function usesDefaultContext(dockerContext: string | undefined, configJson: string | undefined): boolean {
  if (dockerContext) return dockerContext === 'default';
  if (configJson === undefined) return true;
  try {
    const current = (JSON.parse(configJson) as { currentContext?: unknown } | null)?.currentContext;
    return current === undefined || current === '' || current === 'default';
  } catch {
    return false;
  }
}

/** The docker CLI's configuration folder: $DOCKER_CONFIG, else ~/.docker. */
export const dockerConfigDir = (env: NodeJS.ProcessEnv): string => env.DOCKER_CONFIG || join(homedir(), '.docker');

/** The text of the docker CLI's config.json; undefined when there is none, '(unreadable)' when it can't be read. */
export function readDockerConfig(env: NodeJS.ProcessEnv): string | undefined {
  try {
    return readFileSync(join(dockerConfigDir(env), 'config.json'), 'utf8');
  } catch (e) {
    // No file: the CLI's defaults. Any other failure: let the CLI decide (and report).
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : '(unreadable)';
  }
}

async function currentContext(env: NodeJS.ProcessEnv): Promise<{ name: string; host: string } | undefined> {
  if (usesDefaultContext(env.DOCKER_CONTEXT, readDockerConfig(env))) return undefined;
  // `docker context inspect` without a name inspects the current one (DOCKER_CONTEXT or config).
  const r = await execa('docker', ['context', 'inspect', '--format', '{{.Name}} {{.Endpoints.docker.Host}}'], {
    env,
    reject: false,
    timeout: 5000,
  });
  if (r.failed) return undefined;
  const [name, host] = String(r.stdout).trim().split(' ');
  return name && host ? { name, host } : undefined;
}

/** dockerode (docker-modem) connection options for an endpoint. */
export function modemOptions(host: string, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const url = new URL(host);
  if (url.protocol === 'unix:') return { socketPath: url.pathname };
  if (url.protocol === 'ssh:') {
    // Our own agent keeps one SSH connection for every call (see ssh-agent.ts); docker-modem
    // then speaks plain HTTP over it, to a host name nothing resolves. Like docker-modem's ssh
    // transport it authenticates with the ssh-agent only; ~/.ssh/config is not read
    // (apocas/dockerode#581).
    const agent = sshAgent({
      host: url.hostname,
      port: Number(url.port || 22),
      username: url.username || undefined,
      agent: env.SSH_AUTH_SOCK,
    });
    return { protocol: 'http', host: 'docker-over-ssh', port: 80, agent };
  }
  const tls = env.DOCKER_TLS_VERIFY === '1' || url.port === '2376';
  return { protocol: tls ? 'https' : 'http', host: url.hostname, port: Number(url.port || (tls ? 2376 : 2375)) };
}
