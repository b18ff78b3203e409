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

export const engineKindOf = (v: EngineVersion): EngineKind =>
  (v.Components ?? []).some((c) => /podman/i.test(c.Name ?? '')) ? 'podman' : 'docker';

/** "Docker 28.2.2 (API 1.50)" or "Podman 4.3.1 (Docker API 1.41)". */
export function engineName(v: EngineVersion): string {
  const kind = engineKindOf(v);
  const version =
    kind === 'podman'
      ? ((v.Components ?? []).find((c) => /podman/i.test(c.Name ?? ''))?.Version ?? v.Version)
      : v.Version;
  return `${kind === 'podman' ? 'Podman' : 'Docker'} ${version ?? '?'}${v.ApiVersion ? ` (${kind === 'podman' ? 'Docker API' : 'API'} ${v.ApiVersion})` : ''}`;
}

/** What the docker CLI and Compose need in their environment to work with this engine. */
export const cliEnvFor = (kind: EngineKind): Record<string, string> =>
  kind === 'podman' ? { DOCKER_BUILDKIT: '0' } : {};

/** Why this engine cannot run a --target swarm lab, or undefined when it can try. */
export const noSwarmReason = (kind: EngineKind): string | undefined =>
  kind === 'podman' ? 'Podman has no Swarm mode: --target swarm needs Docker Engines joined in a swarm' : undefined;

/** What a lab asks of the engine that rootless Podman may not give. */
export interface LabNeeds {
  /** Host ports lab publishes, with the option that sets each. */
  ports: { port: number; option: string }[];
  /** The lab file sets `cpus:` on a service (lab 01's scale-up vs scale-out). */
  cpuLimits: boolean;
}

/**
 * Why rootless Podman cannot run this lab, or [] when it can: it cannot bind a host port below
 * 1024 (net.ipv4.ip_unprivileged_port_start), and on cgroup v1 it cannot set CPU limits
 * (https://github.com/containers/podman/blob/main/troubleshooting.md, "rootless containers
 * cannot ... cgroup v1"). Rootful Podman and Docker: []. Each reason names its fix.
 */
export function rootlessProblems(
  engine: { kind: EngineKind; rootless: boolean; cgroupVersion: string },
  needs: LabNeeds,
): string[] {
  if (engine.kind !== 'podman' || !engine.rootless) return [];
  const low = needs.ports.filter((p) => p.port < 1024);
  return [
    ...low.map(
      (p) =>
        `rootless Podman cannot publish port ${p.port} (${p.option}): ports below 1024 need root; pick ${p.option} ${p.port + 8000} or auto, or run Podman as root`,
    ),
    ...(needs.cpuLimits && engine.cgroupVersion === '1'
      ? [
          "rootless Podman cannot set this lab's CPU limits (cpus:) on cgroup v1: run Podman as root, or on a machine with cgroup v2",
        ]
      : []),
  ];
}
