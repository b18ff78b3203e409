import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { UsageError } from './errors.ts';
import type { Lab } from './lab-schema.ts';
import { shortId } from './lab-id.ts';
import { LABEL, labelsFor, TARGET_LABEL } from './labels.ts';
import type { RenderOptions } from './options.ts';
import { escapeDollars } from './render-compose.ts';
import { HAPROXY_APP_PORT, HAPROXY_STATS_PORT } from './render-haproxy.ts';
import { APP_SERVICE } from './services.ts';
import type { BuildContext } from './images.ts';
import { stackImages } from './swarm-images.ts';
import { HAPROXY_ENV_FILE } from './render-secrets.ts';

/**
 * The stack file `docker stack deploy` runs for a lab on a Docker Swarm: the same lab model as
 * render-compose.ts, with what Swarm needs instead. Pure. Swarm ignores `build:`,
 * `container_name`, `depends_on` and `restart:` (https://docs.docker.com/reference/cli/docker/stack/deploy/),
 * so none of them appear here.
 */
export interface StackInput {
  lab: Lab;
  options: RenderOptions;
  /** Absolute workspace directory (recorded in labels, as for compose). */
  workspace: string;
  /** haproxy.cfg as rendered for swarm: its hash names the Swarm config. */
  haproxyCfg: string;
  /** The node label replicas are spread over (default `zone`). */
  zoneLabel: string;
  /** Build contexts and their hashes by service: a lab-built image runs under its hash tag (swarm-images.ts). */
  builds?: Record<string, BuildContext>;
}

/** Marks what lab deployed to a swarm, beside lab's usual labels. */

/** Swarm configs are immutable: a new haproxy.cfg needs a new name, so the name carries its hash. */
export const stackConfigName = (project: string, cfg: string): string =>
  `${project}_haproxy-cfg_${createHash('sha256').update(cfg).digest('hex').slice(0, 12)}`;

/** Swarm's port config has no host address (moby/moby#32299): fixed ports only, on every interface of the nodes that run HAProxy. */
const hostPort = (target: number, published: number | null, option: string) => {
  if (published === null) {
    throw new UsageError(`${option} auto is not supported with --target swarm: each node would pick its own port`, {
      hint: `Give a port, e.g. ${option} ${target}`,
    });
  }
  // mode host: the ingress routing mesh needs IPVS, which some kernels lack, and would hide
  // which node (zone) answered; every node runs its own HAProxy instead.
  return { target, published, protocol: 'tcp', mode: 'host' };
};

function stackModel({
  lab,
  options: o,
  workspace,
  haproxyCfg,
  zoneLabel,
  builds,
}: StackInput): Record<string, unknown> {
  const labels = { ...labelsFor(lab.id, o.project, workspace), [TARGET_LABEL]: 'swarm' };
  const common = {
    // Both labels: deploy.labels on the service (what down and status select by), labels on
    // every task's container (what `docker ps` on a node shows).
    labels,
    networks: ['lab'],
    // Node as PID 1 ignores SIGTERM: without an init every stop waits for the grace period.
    init: true,
    stop_grace_period: '2s',
  };
  // Restart a failed task after 1 s (Swarm's default is 5 s), on any node that fits.
  const restart_policy = { condition: 'any', delay: '1s' };
  // The swarm target runs a lab's first service (lab up refuses a lab of several: swarmUnsupported).
  const [appImage, haproxyImage] = stackImages(lab, o.images, builds);
  return escapeDollars({
    version: '3.8',
    services: {
      [APP_SERVICE]: {
        image: appImage!.ref,
        ...common,
        // The app reports its replica number; Swarm fills in each task's slot (1..N).
        environment: { REPLICA: '{{.Task.Slot}}' },
        deploy: {
          replicas: o.replicas,
          // DNS round robin instead of a VIP: HAProxy sees each task (tasks.app), no IPVS needed.
          endpoint_mode: 'dnsrr',
          labels,
          // Spread the replicas evenly over the values of the zone label (then over nodes).
          placement: { preferences: [{ spread: `node.labels.${zoneLabel}` }] },
          restart_policy,
          update_config: { parallelism: 2, delay: '0s', order: 'start-first' },
        },
      },
      haproxy: {
        image: haproxyImage!.ref,
        ...common,
        env_file: [`./${HAPROXY_ENV_FILE}`],
        configs: [{ source: 'haproxy_cfg', target: '/usr/local/etc/haproxy/haproxy.cfg' }],
        ports: [
          hostPort(HAPROXY_APP_PORT, o.appPort, '--app-port'),
          hostPort(HAPROXY_STATS_PORT, o.statsPort, '--stats-port'),
        ],
        stop_signal: 'SIGTERM',
        deploy: {
          // One HAProxy per node, so a client of any node (zone) is served while that node is up.
          mode: 'global',
          endpoint_mode: 'dnsrr',
          labels,
          restart_policy,
        },
      },
    },
    configs: { haproxy_cfg: { name: stackConfigName(o.project, haproxyCfg), file: './haproxy/haproxy.cfg', labels } },
    // Addresses come from the swarm's own pool (`swarm init --default-addr-pool`), which the
    // swarm's owner chose; a lab never names a subnet.
    networks: { lab: { driver: 'overlay', labels } },
  }) as Record<string, unknown>;
}

export function renderStack(input: StackInput): string {
  const short = shortId(input.lab.id);
  const header = `# Stack file for lab ${input.lab.id} (${input.options.project}) on Docker Swarm, written by lab.\n# Run it through lab (lab up/down ${short} --target swarm): ${LABEL.managed} marks what lab may remove.\n`;
  return header + stringify(stackModel(input), { version: '1.1', lineWidth: 0 });
}
