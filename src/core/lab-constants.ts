// The lab format's fixed values, without zod: the command-line declarations (cli/options.ts) use
// them for help and choices, and `lab --help` should not load the schema library.

/** Algorithms HAProxy's `balance` supports that make sense for N identical replicas. */
export const ALGORITHMS = ['roundrobin', 'static-rr', 'leastconn', 'source', 'random', 'first'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

/**
 * The course lists "least response time" (最小応答時間), which HAProxy does not have
 * (haproxy/haproxy#1570 is the open request). These names are accepted and mapped to leastconn,
 * the closest HAProxy algorithm, with a warning.
 */
export const LEAST_TIME_ALIASES = ['least-response-time', 'leastresponsetime', 'least-time', 'leasttime'] as const;

export const MODES = ['http', 'tcp'] as const;
export type Mode = (typeof MODES)[number];

export const CHECK_KINDS = ['replicas-up', 'distribution', 'failover'] as const;

export const MAX_REPLICAS = 100;
