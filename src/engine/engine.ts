import type Dockerode from 'dockerode';
import type { Context } from '../cli/context.ts';
import { connect } from '../docker/engine.ts';
import { type Endpoint, resolveEndpoint } from '../docker/endpoint.ts';
import { publishedHostOf } from '../core/published-host.ts';
import { EnvironmentError } from '../core/errors.ts';
import {
  cliEnvFor,
  type EngineKind,
  engineKindOf,
  type LabNeeds,
  noSwarmReason,
  rootlessProblems,
} from '../docker/engine-kind.ts';

/** The Docker engine a command works on: where it is, which engine it is, and a dockerode client for it. */
export interface Engine {
  /** With what the docker CLI and Compose need for this engine in `env` (docker/engine-kind.ts). */
  endpoint: Endpoint;
  docker: Dockerode;
  kind: EngineKind;
}

/** Connect to the engine; `resolved` when the caller already resolved it (to take its lock first). */
export async function openEngine(ctx: Context, resolved?: Endpoint): Promise<Engine> {
  const endpoint = resolved ?? (await resolveEndpoint(ctx.env, ctx.host));
  const docker = await connect(endpoint, ctx.signal);
  // One request (a few ms on a socket): Docker or Podman, whose differences are in engine-kind.ts.
  const kind = engineKindOf(await docker.version().catch(() => ({})));
  const env = cliEnvFor(kind);
  return {
    endpoint: Object.keys(env).length ? { ...endpoint, env: { ...endpoint.env, ...env } } : endpoint,
    docker,
    kind,
  };
}

/** openEngine for --target swarm: an engine without Swarm (Podman) is an environment problem (exit 3). */
export async function openSwarmEngine(ctx: Context, resolved?: Endpoint): Promise<Engine> {
  const engine = await openEngine(ctx, resolved);
  const why = noSwarmReason(engine.kind);
  if (why)
    throw new EnvironmentError(`${why} (the engine at ${engine.endpoint.host} is Podman)`, {
      hint: 'Run the lab on one engine without --target swarm, or on Docker Engines in a swarm (docs/swarm.md, "Across machines: Docker Swarm")',
    });
  return engine;
}

/** An engine on this machine (a socket), which can bind-mount this machine's files. */
export const isLocalEngine = (endpoint: Endpoint): boolean => /^(unix|npipe):/.test(endpoint.host);

/** The host name the published ports of an engine are reached on. */
export const publishedHost = (endpoint: Endpoint): string => publishedHostOf(endpoint.host);

/**
 * Refuse, before anything is created, a lab that rootless Podman cannot run (engine-kind.ts
 * rootlessProblems). Asks the engine only when it is Podman.
 */
export async function refuseRootlessLimits(engine: Engine, needs: LabNeeds): Promise<void> {
  if (engine.kind !== 'podman') return;
  const info = (await engine.docker.info().catch(() => ({}))) as { SecurityOptions?: string[]; CgroupVersion?: string };
  const rootless = (info.SecurityOptions ?? []).some((o) => /name=rootless/.test(o));
  const problems = rootlessProblems({ kind: engine.kind, rootless, cgroupVersion: info.CgroupVersion ?? '' }, needs);
  if (problems.length)
    throw new EnvironmentError(`The engine at ${engine.endpoint.host} is rootless Podman: ${problems[0]}`, {
      details: problems.slice(1),
      hint: 'Nothing was created. Change the option, or run lab on rootful Podman or Docker, then lab up again',
    });
}
