import type { Lab } from './lab-schema.ts';
import type { RenderOptions } from './options.ts';
import { STATS_AUTH_ENV } from './render-secrets.ts';
import { configIdRule, stampConfigId } from './config-id.ts';
import { HAPROXY_STATS_PORT, RUNTIME_API_PORT } from './render-haproxy.ts';
import { seamlessReloadDefaults, serverStateGlobal } from './seamless-reload.ts';

export { RUNTIME_API_PORT };

/**
 * Student mode (loadBalancer.config: student): lab owns 00-lab.cfg, rendered from
 * templates/00-lab.cfg, and the student owns haproxy.cfg. HAProxy loads both, in that order.
 */
export const LAB_CFG_FILE = '00-lab.cfg';
export const STUDENT_CFG_FILE = 'haproxy.cfg';
/** Inside the container, on its loopback only. */
export const MASTER_CLI_PORT = 9998;
/** Ports a student's file must not bind: the stats page, the runtime API and the master CLI. */
export const LAB_OWNED_PORTS = [
  { port: HAPROXY_STATS_PORT, what: "lab's stats page" },
  { port: RUNTIME_API_PORT, what: "HAProxy's runtime API" },
  { port: MASTER_CLI_PORT, what: "HAProxy's master CLI" },
] as const;

/** The proxy of lab's stats page in templates/00-lab.cfg (listen lab_stats). */
export const LAB_STATS_PROXY = 'lab_stats';

/** Where both files are in the HAProxy container (the workspace's haproxy/ folder, mounted). */
export const CFG_DIR_IN_CONTAINER = '/usr/local/etc/haproxy';

/** HAProxy's command line in student mode: master-worker, foreground, master CLI on loopback. */
export const studentHaproxyCommand = (): string[] => [
  'haproxy',
  '-W',
  '-db',
  '-S',
  `127.0.0.1:${MASTER_CLI_PORT}`,
  '-f',
  `${CFG_DIR_IN_CONTAINER}/${LAB_CFG_FILE}`,
  '-f',
  `${CFG_DIR_IN_CONTAINER}/${STUDENT_CFG_FILE}`,
];

/**
 * Render 00-lab.cfg from its template. Pure. The config id it serves covers the student's file
 * too, so after `lab apply` the id HAProxy serves proves it runs the student's latest file.
 */
export function renderLabCfg(template: string, lab: Lab, o: RenderOptions, studentCfg: string): string {
  const values: Record<string, string> = {
    LAB_ID: lab.id,
    PROJECT: o.project,
    LAB_PORTS: LAB_OWNED_PORTS.map((p) => p.port).join(', '),
    RUNTIME_API_PORT: String(RUNTIME_API_PORT),
    MASTER_CLI_PORT: String(MASTER_CLI_PORT),
    STATS_PORT: String(HAPROXY_STATS_PORT),
    CONFIG_ID_RULE: configIdRule(),
    SERVER_STATE_GLOBAL: serverStateGlobal().join('\n'),
    SEAMLESS_RELOAD: seamlessReloadDefaults(true).join('\n'),
    STATS_AUTH_ENV,
    STATS_ADMIN: o.statsAdmin
      ? '    # Published ports arrive from the bridge gateway, so "if LOCALHOST" would never match.\n    stats admin if TRUE'
      : '    # No "stats admin": the page is published on every interface (--expose).',
  };
  const text = template.replace(/@([A-Z_]+)@/g, (whole, name: string) => {
    // @LAB_CONFIG_ID@ is configIdRule's own placeholder, filled by stampConfigId.
    if (name === 'LAB_CONFIG_ID') return whole;
    const v = values[name];
    if (v === undefined) throw new Error(`templates/${LAB_CFG_FILE} names an unknown placeholder @${name}@`);
    return v;
  });
  return stampConfigId(text, studentCfg);
}
