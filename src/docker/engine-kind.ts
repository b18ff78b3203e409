/**
 * Which engine answers the Docker API, and where lab must treat them differently: the one place
 * for an engine's differences (issue #27). Pure.
 *
 * Podman serves the Docker API on a socket (`podman system service`), so dockerode and the
 * Compose v2 plugin talk to it as they do to Docker. Its version answer names it: Components
 * holds "Podman Engine" (https://docs.podman.io/en/latest/_static/api.html, /version).
 * What differs, found running every one-engine lab on Podman 4.3:
 * - DNS: Podman's aardvark-dns answers on the network's gateway, not on Docker's 127.0.0.11.
 *   Handled for both in haproxy.cfg: `parse-resolv-conf` reads the engine's own resolv.conf.
 * - Builds: Compose asks BuildKit (buildx) to build, which on Podman wants a moby/buildkit
 *   container it cannot pull offline; DOCKER_BUILDKIT=0 makes Compose and the docker CLI use
 *   the engine's own build endpoint, which Podman implements with Buildah.
 * - Swarm: Podman has none, so --target swarm is refused with one message.
 * - Readiness: lab waits on HAProxy's own health checks, never on engine health checks (which
 *   need systemd timers on Podman), so nothing differs there.
 */
export type EngineKind = 'docker' | 'podman';

export interface EngineVersion {
  Version?: string;
  ApiVersion?: string;
  Components?: { Name?: string; Version?: string }[];
}

export const engineKindOf = (v: EngineVersion): EngineKind => (v.Components ?? []).some((c) => /podman/i.test(c.Name ?? '')) ? 'podman' : 'docker';

/** "Docker 28.2.2 (API 1.50)" or "Podman 4.3.1 (Docker API 1.41)". */
export function engineName(v: EngineVersion): string {
  const kind = engineKindOf(v);
  const version = kind === 'podman' ? ((v.Components ?? []).find((c) => /podman/i.test(c.Name ?? ''))?.Version ?? v.Version) : v.Version;
  return `${kind === 'podman' ? 'Podman' : 'Docker'} ${version ?? '?'}${v.ApiVersion ? ` (${kind === 'podman' ? 'Docker API' : 'API'} ${v.ApiVersion})` : ''}`;
}

/** What the docker CLI and Compose need in their environment to work with this engine. */
export const cliEnvFor = (kind: EngineKind): Record<string, string> => (kind === 'podman' ? { DOCKER_BUILDKIT: '0' } : {});

/** Why this engine cannot run a --target swarm lab, or undefined when it can try. */
export const noSwarmReason = (kind: EngineKind): string | undefined =>
  kind === 'podman' ? 'Podman has no Swarm mode: --target swarm needs Docker Engines joined in a swarm' : undefined;
