import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { Lab } from './lab-schema.ts';
import type { RenderOptions } from './options.ts';
import { type BuildContext, buildArgsOf, substitute } from './images.ts';
import { BACKING_ROLE, IMAGE_LABEL, LABEL, labelsFor } from './labels.ts';
import { HAPROXY_APP_PORT, HAPROXY_STATS_PORT } from './render-haproxy.ts';
import { labServices, type LabService, replicasOf, versionOf } from './services.ts';
import { HAPROXY_ENV_FILE } from './render-secrets.ts';
import { shortId } from './lab-id.ts';
import { studentHaproxyCommand } from './render-lab-cfg.ts';
import { CLIENT_SERVICE, clientService } from './render-clients.ts';

export interface ComposeInput {
  lab: Lab;
  options: RenderOptions;
  /** Absolute workspace directory (recorded in labels, so `lab reset` can find it). */
  workspace: string;
  /** Each building service's absolute build context and its hash (recorded on the built image as IMAGE_LABEL.buildHash), by service name. */
  builds?: Record<string, BuildContext>;
  /**
   * haproxy.cfg to carry inside the compose file instead of bind-mounting ./haproxy: a remote
   * engine has no such directory. Compose >= 2.23.1 copies `content` configs into the
   * container through the API (https://docs.docker.com/reference/compose-file/configs).
   */
  inlineHaproxyCfg?: string;
}

interface PortMapping {
  target: number;
  published?: string;
  host_ip: string;
  protocol: 'tcp';
}

const port = (target: number, published: number | null, expose: boolean): PortMapping => ({
  target,
  // Without a published port Docker picks a free one; lab reads it back from the engine.
  ...(published === null ? {} : { published: String(published) }),
  host_ip: expose ? '0.0.0.0' : '127.0.0.1',
  protocol: 'tcp',
});

/** Compose interpolates ${...}; a literal $ must be written $$ (compose-spec 12-interpolation.md). */
export const escapeDollars = (value: unknown): unknown => {
  if (typeof value === 'string') return value.replaceAll('$', '$$$$');
  if (Array.isArray(value)) return value.map(escapeDollars);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDollars(v)]));
  }
  return value;
};

/** The compose model of a lab: N replicas of each app service and HAProxy in front. Pure. */
export function composeModel({
  lab,
  options: o,
  workspace,
  builds,
  inlineHaproxyCfg,
}: ComposeInput): Record<string, unknown> {
  const labels = labelsFor(lab.id, o.project, workspace);
  const services = labServices(lab);
  const clients = clientService(lab, o, labels);
  return escapeDollars({
    name: o.project,
    services: {
      ...Object.fromEntries(services.map((s) => [s.name, appService(s, lab.id, o, labels, builds?.[s.name])])),
      haproxy: {
        image: substitute(lab.loadBalancer.image, o.images),
        // Student mode: lab's 00-lab.cfg, then the student's haproxy.cfg (core/render-lab-cfg.ts).
        ...(lab.loadBalancer.config === 'student' ? { command: studentHaproxyCommand() } : {}),
        depends_on: services.map((s) => s.name),
        ports: [port(HAPROXY_APP_PORT, o.appPort, o.expose), port(HAPROXY_STATS_PORT, o.statsPort, o.expose)],
        // The stats credentials (render-secrets.ts); compose reads the file, relative to this one.
        env_file: [`./${HAPROXY_ENV_FILE}`],
        ...(inlineHaproxyCfg === undefined ? mountedCfg(labels) : inlineCfg(inlineHaproxyCfg, labels)),
        // The official image stops with SIGUSR1 (graceful drain); a lab has nothing to drain.
        stop_signal: 'SIGTERM',
        stop_grace_period: '2s',
      },
      ...(clients ? { [CLIENT_SERVICE]: clients } : {}),
      ...Object.fromEntries(
        Object.entries(lab.backing ?? {}).map(([name, b]) => [name, backingService(b.image, o, labels)]),
      ),
    },
    networks: { default: { labels } },
    ...(inlineHaproxyCfg === undefined ? {} : { configs: { [CFG_NAME]: { content: inlineHaproxyCfg } } }),
  }) as Record<string, unknown>;
}

/** One app service: its image (or build), replicas, environment and resource limits. */
function appService(
  s: LabService,
  labId: string,
  o: RenderOptions,
  labels: Record<string, string>,
  b: BuildContext | undefined,
): Record<string, unknown> {
  const build =
    s.build && b
      ? {
          context: b.context,
          args: buildArgsOf(s, o.images),
          // Image-level labels only: every container started from the image inherits them, so
          // lab.managed here would make a user's `docker run lab/whoami:1` look like lab's.
          labels: { [IMAGE_LABEL.builtFor]: labId, ...(b.hash ? { [IMAGE_LABEL.buildHash]: b.hash } : {}) },
        }
      : undefined;
  const version = versionOf(s, o);
  // SERVICE: an app lab builds (the demo app) names itself in X-App from it. It used to find its
  // service in the reverse DNS name of its address, <project>-<service>-<N>.<network>, which
  // Docker's DNS gives; Podman's gives <project>-<service>-<N> alone, where project and service
  // cannot be told apart. The replica number still comes from that name.
  const environment = {
    ...(s.build ? { SERVICE: s.name } : {}),
    ...s.environment,
    ...(version === undefined ? {} : { VERSION: version }),
  };
  // Compose applies deploy.resources.limits on `docker compose up`, no swarm needed
  // (https://docs.docker.com/reference/compose-file/deploy/#resources; cpus was ignored before
  // docker/compose#9552). tests/e2e/services.test.ts reads NanoCpus back on Compose 2.26.1.
  const limits = {
    ...(s.cpus === undefined ? {} : { cpus: String(s.cpus) }),
    ...(s.memory === undefined ? {} : { memory: s.memory }),
  };
  return {
    image: substitute(s.image, o.images),
    // pull_policy build: never ask a registry for lab's own image. `lab up` passes
    // --build or --no-build after comparing the image's build-hash label.
    ...(build ? { build, pull_policy: 'build' } : {}),
    ...(Object.keys(environment).length ? { environment } : {}),
    // No container_name and no host ports: both would stop the service from scaling.
    deploy: { replicas: replicasOf(o, s.name), ...(Object.keys(limits).length ? { resources: { limits } } : {}) },
    // lab.version: lab status and lab rollout read each replica's version from its container.
    labels: version === undefined ? labels : { ...labels, [LABEL.version]: version },
    // The demo app exits at once on SIGTERM; anything slower is killed after 2 s.
    stop_grace_period: '2s',
  };
}

/**
 * A backing service (lab-schema.ts `backing:`), e.g. Redis: one container, reached by its name
 * in the lab network, nothing published. The role label keeps it out of the app replicas that
 * status, faults and checks count (engine/project.ts runningProject).
 */
const backingService = (image: string, o: RenderOptions, labels: Record<string, string>) => ({
  image: substitute(image, o.images),
  labels: { ...labels, [LABEL.role]: BACKING_ROLE },
  stop_grace_period: '2s',
});

const CFG_NAME = 'haproxy_cfg';

// Mount the directory, not the file: editors replace the file's inode and a file mount would
// keep the old one (moby/moby#15793).
const mountedCfg = (labels: Record<string, string>) => ({
  volumes: [{ type: 'bind', source: './haproxy', target: '/usr/local/etc/haproxy', read_only: true }],
  labels,
});

/**
 * A changed `content` does not make compose recreate the container (seen with Compose 2.26.1:
 * same container, old file), so a label carries the config's hash: new config, new container.
 */
const inlineCfg = (cfg: string, labels: Record<string, string>) => ({
  configs: [{ source: CFG_NAME, target: '/usr/local/etc/haproxy/haproxy.cfg' }],
  labels: { ...labels, 'lab.haproxy-cfg': createHash('sha256').update(cfg).digest('hex').slice(0, 16) },
});

export function renderCompose(input: ComposeInput): string {
  const header = `# Compose file for lab ${input.lab.id} (${input.options.project}), written by lab.\n# Run it through lab (lab up/down ${shortId(input.lab.id)}) so HAProxy's readiness is checked.\n`;
  // YAML 1.1 quoting keeps values such as "8080:80" or "yes" strings for every parser.
  return header + stringify(composeModel(input), { version: '1.1', lineWidth: 0 });
}
