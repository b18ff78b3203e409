import * as z from 'zod';
import { ALGORITHMS, CHECK_KINDS, MAX_REPLICAS, MODES } from './lab-constants.ts';
import { localText, QuizSchema, TaskSchema } from './task-schema.ts';

export {
  ALGORITHMS,
  type Algorithm,
  CHECK_KINDS,
  LEAST_TIME_ALIASES,
  MAX_REPLICAS,
  MODES,
  type Mode,
} from './lab-constants.ts';

// Values that end up inside haproxy.cfg or the compose file are restricted to characters that
// cannot start a new line, a comment (#), an interpolation ($) or a quoted string.
const SAFE = /^[A-Za-z0-9._\-/:@+=]+$/;
const safeText = (what: string) =>
  z.string().min(1).regex(SAFE, `${what} may only contain letters, digits and . _ - / : @ + =`);
const imageRef = safeText('an image reference').describe('A Docker image reference, e.g. haproxy:3.0');
const port = z.number().int().min(1).max(65535);
const credential = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'may only contain letters, digits and . _ -');

export const LabIdPattern = /^[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*$/;

// One app service's fields; `app:` is the one-service form of `services:` (core/services.ts).
const appFields = {
  image: imageRef.describe('Image the app runs. With `build`, the tag given to the built image.'),
  build: z
    .strictObject({
      context: z.string().min(1).describe('Build context, relative to the lab file.'),
      args: z
        .record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/), safeText('a build argument'))
        .optional()
        .describe('Build arguments, e.g. BASE_IMAGE. Image references here follow --image overrides too.'),
    })
    .optional()
    .describe('Build the app image locally instead of pulling it.'),
  port: port.describe('Port the app listens on inside its container.'),
  health: z
    .string()
    .regex(/^\/[A-Za-z0-9._\-/]*$/, 'must be a path like /health')
    .describe('HTTP path HAProxy checks.'),
  version: safeText('a version')
    .optional()
    .describe("The app's version, given to it as VERSION (the demo app shows it in X-App)."),
  versions: z
    .array(z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, 'must be a version of letters, digits, . _ and - (at most 32)'))
    .min(2)
    .optional()
    .describe(
      'The versions `lab rollout` may roll this service to (and back); `version` must be one of them, and is where the service starts.',
    ),
  environment: z
    .record(
      z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name such as LOG_LEVEL'),
      safeText('an environment value'),
    )
    .optional()
    .describe('Environment variables of every replica. They are written into the compose file: no secrets.'),
  cpus: z
    .number()
    .min(0.01)
    .max(64)
    .multipleOf(0.01)
    .optional()
    .describe('CPU limit of each replica, e.g. 0.5 (half a core): compose deploy.resources.limits.cpus.'),
  memory: z
    .string()
    .regex(/^[1-9][0-9]*[kmg]$/, 'must be a size such as 256m or 1g')
    .refine(
      (v) => Number.parseInt(v, 10) * { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }[v.slice(-1) as 'k'] >= 6 * 2 ** 20,
      "must be at least 6m (Docker's minimum)",
    )
    .optional()
    .describe('Memory limit of each replica, e.g. 256m: compose deploy.resources.limits.memory.'),
};

const AppSchema = z.strictObject(appFields);

/** Service names are compose services, DNS names, HAProxy backends and server names at once. */
const SERVICE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const ServiceSchema = z.strictObject({
  ...appFields,
  replicas: z
    .number()
    .int()
    .min(1)
    .max(MAX_REPLICAS)
    .optional()
    .describe('Replicas of this service; defaults.replicas when absent.'),
  path: z
    .string()
    .regex(/^(\/[a-z0-9_-]+)+$/, 'must be a path prefix like /api or /api/v2 (lowercase letters, digits, _ and -)')
    .optional()
    .describe(
      'Generated config: requests to this path or below go to this service, which sees them without the prefix (/api/json as /json). The first service without a path gets the rest.',
    ),
});

// backing: what the app uses but HAProxy does not front (12-factor's "backing services"), e.g. a
// Redis for sessions: one container each, reached by its name in the lab network, no port
// published, no health check, no backend, no replica count; never judged as an app.
const BackingSchema = z.strictObject({
  image: imageRef.describe('Image it runs, e.g. redis:7-alpine (follows --image and LAB_IMAGES like every image).'),
});

const LoadBalancerSchema = z
  .strictObject({
    image: imageRef.describe('HAProxy image. Pin a minor line: the default `balance` changed in 3.3.'),
    algorithm: z
      .enum(ALGORITHMS)
      .default('roundrobin')
      .describe('HAProxy `balance` algorithm; --algorithm overrides it.'),
    mode: z
      .enum(MODES)
      .default('http')
      .describe('http (L7, per request) or tcp (L4, per connection); --mode overrides it.'),
    config: z
      .enum(['generated', 'student'])
      .default('generated')
      .describe(
        'generated: lab writes haproxy.cfg from flags. student: lab writes only 00-lab.cfg; the student writes haproxy.cfg in the workspace (started from `starter`).',
      ),
    starter: z
      .string()
      .min(1)
      .optional()
      .describe("The student's first haproxy.cfg, relative to the lab file; required with config: student."),
  })
  .superRefine((lb, ctx) => {
    if (lb.config === 'student' && !lb.starter)
      ctx.addIssue({
        code: 'custom',
        path: ['config'],
        message: 'config: student needs a starter file (loadBalancer.starter)',
      });
    if (lb.config !== 'student' && lb.starter)
      ctx.addIssue({ code: 'custom', path: ['starter'], message: 'starter is used only with config: student' });
  });

const DefaultsSchema = z.strictObject({
  replicas: z.number().int().min(1).max(MAX_REPLICAS).default(3),
  appPort: port.default(8080).describe('Host port of the app (127.0.0.1 unless --expose).'),
  statsPort: port.default(1936).describe("Host port of HAProxy's stats page."),
  sticky: z.boolean().default(false).describe('Sticky sessions by cookie (http mode only).'),
  statsUser: credential.default('admin'),
  statsPassword: credential.default('admin'),
});

const CheckSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case, e.g. traffic-is-spread'),
  kind: z.enum(CHECK_KINDS),
  description: z.string().optional(),
  requests: z.number().int().min(1).max(100_000).optional().describe('Requests to send (distribution, failover).'),
  concurrency: z.number().int().min(1).max(256).optional(),
  tolerance: z.number().min(0).max(1).optional().describe('Allowed relative deviation from an even share.'),
  service: z
    .string()
    .regex(SERVICE_NAME)
    .optional()
    .describe(
      'replicas-up: only this service (its HAProxy backend); every service when absent. distribution, failover: the service whose backend is judged (and broken); the default service when absent.',
    ),
  path: z
    .string()
    .regex(/^\/[^\s#]*$/, 'must be a path like /api/')
    .optional()
    .describe(
      "distribution, failover: where the traffic goes through HAProxy; default the service's path: prefix (generated mode), else /.",
    ),
});

// clients: load generators inside the lab network (the demo app in client mode), each its own
// container with its own IP, so checks send from there: source hashing sees distinct sources and
// a remote engine needs no published port (src/traffic/).
const MAX_CLIENTS = 20;
const ClientsSchema = z
  .number()
  .int()
  .min(0)
  .max(MAX_CLIENTS)
  .default(0)
  .describe(
    "Client containers in the lab network that send the checks' traffic: the app image (compose/whoami) in client mode, one IP each.",
  );

// The zone drill's budget (core/zone-drill.ts judges it).
const ZoneLossSchema = z.strictObject({
  maxFailed: z.number().int().min(0).default(0).describe('Failed client requests allowed while a zone is lost.'),
  recoverWithin: z
    .number()
    .min(1)
    .max(600)
    .default(10)
    .describe('Seconds from the fault until every surviving HAProxy has every replica UP again.'),
  crash: z
    .strictObject({
      maxFailedPercent: z
        .number()
        .min(0)
        .max(100)
        .default(0.5)
        .describe('Failed client requests allowed when the zone crashes, in percent of those sent.'),
      recoverWithin: z
        .number()
        .min(1)
        .max(600)
        .default(10)
        .describe('Seconds from the crash until every surviving HAProxy has every replica UP again.'),
    })
    .optional()
    .describe('The budget of a crash of the zone (lab check --zone-loss <zone> --crash-command <cmd>).'),
});

export const LabSchema = z
  .strictObject({
    id: z.string().regex(LabIdPattern, 'must look like 03-load-balancing (two digits, then kebab-case)'),
    title: localText,
    summary: localText,
    section: localText
      .optional()
      .describe(
        'The section of the course this lab teaches, e.g. { ja: ロードバランサーの基本, en: Load balancer basics }: lab list groups the labs by it.',
      ),
    duration: z
      .number()
      .int()
      .min(5)
      .max(600)
      .optional()
      .describe('Expected minutes for a class to do the lab, shown by lab list and lab show.'),
    prerequisites: z
      .array(z.string().regex(LabIdPattern, 'must be a lab id such as 02-haproxy-config'))
      .default([])
      .describe('Labs to do first (their ids), shown by lab show.'),
    goals: z.array(localText).min(1).describe('Learning goals, shown by `lab show`.'),
    app: AppSchema.optional().describe('The app: one service named app. Give either app or services.'),
    services: z
      .record(
        z
          .string()
          .max(30)
          .regex(SERVICE_NAME, 'must be a lowercase name such as web or api-v2 (a DNS name and HAProxy backend)'),
        ServiceSchema,
      )
      .optional()
      .describe('Several app services, each its own compose service and HAProxy backend, by name (e.g. web, api).'),
    backing: z
      .record(
        z
          .string()
          .max(30)
          .regex(SERVICE_NAME, 'must be a lowercase name such as redis (its DNS name in the lab network)'),
        BackingSchema,
      )
      .optional()
      .describe(
        'Backing services the app uses but HAProxy does not front, by name (e.g. redis): one container each, reached by name in the lab network.',
      ),
    loadBalancer: LoadBalancerSchema,
    clients: ClientsSchema,
    defaults: DefaultsSchema.prefault({}),
    checks: z.array(CheckSchema).default([]),
    slo: z
      .strictObject({
        availability: z.number().min(0).max(100).describe('Percent of client requests that must succeed, e.g. 99.5.'),
        p95Ms: z
          .number()
          .int()
          .min(1)
          .max(60_000)
          .describe('Milliseconds the 95th percentile latency of answered requests must stay within, e.g. 300.'),
        answerWithinMs: z
          .number()
          .int()
          .min(100)
          .max(30_000)
          .default(2000)
          .describe(
            'A request not answered within this many milliseconds counts as failed (e.g. 1000: a request held by a hung replica is as bad as an error to its user).',
          ),
      })
      .optional()
      .describe(
        'The service level objective lab chaos and chaos checks grade (default availability 99.5, p95Ms 300, answerWithinMs 2000).',
      ),
    tasks: z.array(TaskSchema).default([]).describe('Exercise tasks, in order (lab grade, lab tasks, lab hint).'),
    quiz: z.array(QuizSchema).default([]).describe('Questions for lab quiz.'),
    target: z
      .enum(['swarm'])
      .optional()
      .describe(
        'The only target the lab runs on: swarm (it needs several machines; lab up refuses one engine). Absent: any target, compose by default.',
      ),
    zoneLoss: ZoneLossSchema.optional().describe(
      'What the zone drill (lab check --target swarm --zone-loss <zone>) must show.',
    ),
  })
  .superRefine((lab, ctx) => serviceProblems(lab, ctx));

const AIMED_KINDS = ['replicas-up', 'distribution', 'failover', 'kill-replica'];

/** What a shape alone can't say about app/services: one of the two, names, paths, VERSION. */
function serviceProblems(
  lab: {
    app?: unknown;
    services?: Record<string, ServiceInput>;
    backing?: Record<string, unknown>;
    loadBalancer: { config: string };
    checks: { service?: string }[];
    tasks: { checks: { kind: string; service?: string }[] }[];
  },
  ctx: z.RefinementCtx,
): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (lab.app && lab.services) issue(['services'], 'give either app: (one service) or services:, not both');
  if (!lab.app && !lab.services) issue([], 'needs app: (one service) or services: (several)');
  const entries = Object.entries(lab.services ?? {});
  if (lab.services && entries.length === 0) issue(['services'], 'must name at least one service');
  for (const [name, s] of entries) {
    if (RESERVED_SERVICES.includes(name))
      issue(['services', name], `"${name}" is lab's own service; choose another name`);
    if (s.version !== undefined && s.environment?.VERSION !== undefined)
      issue(['services', name, 'environment', 'VERSION'], 'is set by version: give one of the two');
  }
  for (const [name, s] of lab.app ? [['app', lab.app as ServiceInput] as const] : entries) {
    const at = lab.app ? ['app'] : ['services', name];
    if (s.versions && s.version === undefined)
      issue([...at, 'versions'], `needs version: (the one of ${s.versions.join(', ')} the service starts at)`);
    else if (s.versions && !s.versions.includes(s.version!))
      issue([...at, 'version'], `"${s.version}" is not one of versions: ${s.versions.join(', ')}`);
    if (s.versions && new Set(s.versions).size !== s.versions.length)
      issue([...at, 'versions'], 'names a version twice');
  }
  const names = lab.services ? Object.keys(lab.services) : ['app'];
  for (const name of Object.keys(lab.backing ?? {})) {
    if (RESERVED_SERVICES.includes(name))
      issue(['backing', name], `"${name}" is lab's own service; choose another name`);
    else if (names.includes(name))
      issue(['backing', name], `"${name}" is also an app service; each name is one compose service`);
  }
  const unknownService = (c: { service?: string }, at: (string | number)[]) => {
    if (c.service !== undefined && !names.includes(c.service))
      issue([...at, 'service'], `"${c.service}" is not a service of this lab: ${names.join(', ')}`);
  };
  lab.checks.forEach((c, i) => {
    unknownService(c, ['checks', i]);
  });
  // A task's check that aims at a service by name (rollout's defaults to app and is judged when it runs).
  lab.tasks.forEach((t, i) => {
    t.checks.forEach((c, j) => {
      if (AIMED_KINDS.includes(c.kind)) unknownService(c, ['tasks', i, 'checks', j]);
    });
  });
  const byPath = new Map<string, string>();
  for (const [name, s] of entries) {
    if (s.path === undefined) continue;
    const other = byPath.get(s.path);
    if (other) issue(['services', name, 'path'], `"${s.path}" is also ${other}'s path; each path goes to one service`);
    byPath.set(s.path, name);
  }
  const unrouted = entries.filter(([, s]) => s.path === undefined).map(([n]) => n);
  // Generated mode routes by path; a second service without one could never be reached.
  if (lab.loadBalancer.config === 'generated' && unrouted.length > 1) {
    issue(
      ['services', unrouted[1]!],
      `has no path, like ${unrouted[0]}, which already gets every request no path matches: give ${unrouted[1]} a path such as /${unrouted[1]}`,
    );
  }
}

type ServiceInput = { version?: string; versions?: string[]; environment?: Record<string, string>; path?: string };
/** Compose services lab runs beside the app services. */
const RESERVED_SERVICES = ['haproxy', 'client'];

export type Lab = z.infer<typeof LabSchema>;
export type LabCheck = Lab['checks'][number];
export type LabApp = NonNullable<Lab['app']>;
