import type Dockerode from 'dockerode';
import type { Context } from '../cli/context.ts';
import { connect } from '../docker/engine.ts';
import { type Endpoint, resolveEndpoint } from '../docker/endpoint.ts';
import { publishedHostOf } from '../core/published-host.ts';

/** The Docker engine a command works on: where it is, and a dockerode client for it. */
export interface Engine {
  endpoint: Endpoint;
  docker: Dockerode;
}

/** Connect to the engine; `resolved` when the caller already resolved it (to take its lock first). */
export async function openEngine(ctx: Context, resolved?: Endpoint): Promise<Engine> {
  const endpoint = resolved ?? (await resolveEndpoint(ctx.env, ctx.host));
  return { endpoint, docker: await connect(endpoint, ctx.signal) };
}

/** An engine on this machine (a socket), which can bind-mount this machine's files. */
export const isLocalEngine = (endpoint: Endpoint): boolean => /^(unix|npipe):/.test(endpoint.host);

/** The host name the published ports of an engine are reached on. */
export const publishedHost = (endpoint: Endpoint): string => publishedHostOf(endpoint.host);

