import * as z from 'zod';
import { ALGORITHMS, CHECK_KINDS, MAX_REPLICAS, MODES } from './lab-constants.ts';
import { localText, QuizSchema, TaskSchema } from './task-schema.ts';

export { ALGORITHMS, type Algorithm, CHECK_KINDS, type CheckKind, LEAST_TIME_ALIASES, MAX_REPLICAS, MODES, type Mode } from './lab-constants.ts';

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

const AppSchema = z.strictObject({
  image: imageRef.describe('Image the app runs. With `build`, the tag given to the built image.'),
  build: z
    .strictObject({
      context: z.string().min(1).describe('Build context, relative to the lab file.'),
      args: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/), safeText('a build argument')).optional()
        .describe('Build arguments, e.g. BASE_IMAGE. Image references here follow --image overrides too.'),
    })
    .optional()
    .describe('Build the app image locally instead of pulling it.'),
  port: port.describe('Port the app listens on inside its container.'),
  health: z.string().regex(/^\/[A-Za-z0-9._\-/]*$/, 'must be a path like /health').describe('HTTP path HAProxy checks.'),
});

const LoadBalancerSchema = z.strictObject({
  image: imageRef.describe('HAProxy image. Pin a minor line: the default `balance` changed in 3.3.'),
  algorithm: z.enum(ALGORITHMS).default('roundrobin').describe('HAProxy `balance` algorithm; --algorithm overrides it.'),
  mode: z.enum(MODES).default('http').describe('http (L7, per request) or tcp (L4, per connection); --mode overrides it.'),
  config: z.enum(['generated', 'student']).default('generated')
    .describe('generated: lab writes haproxy.cfg from flags. student: lab writes only 00-lab.cfg; the student writes haproxy.cfg in the workspace (started from `starter`).'),
  starter: z.string().min(1).optional().describe('The student\'s first haproxy.cfg, relative to the lab file; required with config: student.'),
}).superRefine((lb, ctx) => {
  if (lb.config === 'student' && !lb.starter) ctx.addIssue({ code: 'custom', path: ['config'], message: 'config: student needs a starter file (loadBalancer.starter)' });
  if (lb.config !== 'student' && lb.starter) ctx.addIssue({ code: 'custom', path: ['starter'], message: 'starter is used only with config: student' });
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
});

// clients: load generators inside the lab network (the demo app in client mode), each its own
// container with its own IP, so checks send from there: source hashing sees distinct sources and
// a remote engine needs no published port (src/traffic/).
export const MAX_CLIENTS = 20;
const ClientsSchema = z
  .number()
  .int()
  .min(0)
  .max(MAX_CLIENTS)
  .default(0)
  .describe('Client containers in the lab network that send the checks\' traffic: the app image (compose/whoami) in client mode, one IP each.');

export const LabSchema = z.strictObject({
  id: z.string().regex(LabIdPattern, 'must look like 03-load-balancing (two digits, then kebab-case)'),
  title: localText,
  summary: localText,
  goals: z.array(localText).min(1).describe('Learning goals, shown by `lab show`.'),
  app: AppSchema,
  loadBalancer: LoadBalancerSchema,
  clients: ClientsSchema,
  defaults: DefaultsSchema.prefault({}),
  checks: z.array(CheckSchema).default([]),
  tasks: z.array(TaskSchema).default([]).describe('Exercise tasks, in order (lab grade, lab tasks, lab hint).'),
  quiz: z.array(QuizSchema).default([]).describe('Questions for lab quiz.'),
});

export type Lab = z.infer<typeof LabSchema>;
export type LabCheck = Lab['checks'][number];
