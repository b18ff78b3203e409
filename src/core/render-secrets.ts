import type { RenderOptions } from './options.ts';

/**
 * The stats credentials stay out of haproxy.cfg: the official haproxy image runs HAProxy as
 * uid 99, which must read the bind-mounted config, so that file cannot be private to the host
 * user. HAProxy expands environment variables inside double quotes when it parses its
 * configuration (https://docs.haproxy.org/3.0/configuration.html#2.3), and compose reads the
 * variable from an env file on the client side (compose-spec services env_file), which is
 * written 0600 and works for remote engines too.
 */
export const STATS_AUTH_ENV = 'LAB_STATS_AUTH';

/** The env file lab writes next to compose.yaml, relative to it. */
export const HAPROXY_ENV_FILE = 'haproxy.env';

/** The env file's text: the stats credentials as `stats auth` wants them. Pure. */
export const renderHaproxyEnv = (o: Pick<RenderOptions, 'statsUser' | 'statsPassword'>): string =>
  `# Stats page credentials for HAProxy (haproxy.cfg reads \${${STATS_AUTH_ENV}}), written by lab. Keep private.\n${STATS_AUTH_ENV}=${o.statsUser}:${o.statsPassword}\n`;
