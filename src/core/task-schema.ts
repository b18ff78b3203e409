import * as z from 'zod';

/**
 * The exercise parts of a lab file: `tasks:` a student does and lab grades, and `quiz:`.
 * Kept apart from lab-schema.ts, which holds what runs (app, load balancer, defaults).
 */

/** Text a student reads: a string, or one per language with English required (core/localized.ts). */
export const localText = z
  .union([z.string().min(1), z.strictObject({ en: z.string().min(1), ja: z.string().min(1).optional() })])
  .describe('Text a student reads: a string, or { en, ja } (en required; lab picks by --lang or LANG).');

const kebab = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case, e.g. scale-out');
const path = z.string().regex(/^\/[^\s#]*$/, 'must be a path like /json');
const headers = z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be a header name'), z.string()).optional().describe('Request headers.');
const method = z.enum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']).default('GET');
const common = { name: kebab.optional().describe('Shown in reports; defaults to the kind.'), description: z.string().optional() };
const load = {
  requests: z.number().int().min(1).max(100_000).optional(),
  concurrency: z.number().int().min(1).max(256).optional(),
};

const HttpCheck = z.strictObject({
  ...common,
  kind: z.literal('http'),
  method,
  path: path.default('/'),
  headers,
  requests: z.number().int().min(1).max(1000).default(1).describe('Requests to send; each must meet the expectation.'),
  cookies: z.boolean().default(false).describe('Keep cookies between requests, like one browser.'),
  expect: z.strictObject({
    status: z.number().int().min(100).max(599).optional(),
    body: z.string().min(1).optional().describe('A fragment the body must contain.'),
    service: z.string().min(1).optional().describe('The service that must answer (X-App: service/replica/version).'),
    version: z.string().min(1).optional(),
    sameReplica: z.boolean().optional().describe('Every request is answered by the same replica (sticky sessions).'),
  }),
});

const RoutingCheck = z.strictObject({
  ...common,
  kind: z.literal('routing'),
  rows: z
    .array(z.strictObject({ method, path, headers, service: z.string().min(1).describe('The service that must answer.') }))
    .min(1),
});

const ServersCheck = z.strictObject({
  ...common,
  kind: z.literal('servers'),
  backend: z.string().regex(/^[A-Za-z0-9._-]+$/).default('app'),
  servers: z.number().int().min(0).optional().describe('Servers with a replica behind them (empty template slots not counted).'),
  up: z.number().int().min(0).optional().describe('Servers UP with a passed health check (or UP without checks).'),
  healthChecks: z.boolean().optional().describe('Health checks on (true) or off (false) on every server.'),
  backup: z.number().int().min(0).optional().describe('Backup servers.'),
  algorithm: z.string().regex(/^[a-z-]+$/).optional().describe('The balance algorithm HAProxy runs (stats CSV algo column).'),
});

/** The kinds `checks:` has (lab check), usable in tasks too. */
const ReplicasUpCheck = z.strictObject({ ...common, kind: z.literal('replicas-up'), service: z.string().regex(/^[a-z][a-z0-9-]*$/).optional().describe('Only this service (its HAProxy backend); every service when absent.') });
const DistributionCheck = z.strictObject({ ...common, ...load, kind: z.literal('distribution'), tolerance: z.number().min(0).max(1).optional() });
const FailoverCheck = z.strictObject({ ...common, concurrency: load.concurrency, kind: z.literal('failover') });

export const TaskCheckSchema = z.discriminatedUnion('kind', [HttpCheck, RoutingCheck, ServersCheck, ReplicasUpCheck, DistributionCheck, FailoverCheck]);

export const TaskSchema = z.strictObject({
  id: kebab,
  title: localText,
  instructions: localText.describe('Markdown.'),
  needs: z.array(kebab).default([]).describe('Tasks that must pass before this one is graded.'),
  hints: z.array(localText).default([]).describe('Revealed one at a time by `lab hint`.'),
  checks: z.array(TaskCheckSchema).min(1),
  solution: z
    .union([z.string().min(1).describe('A file, relative to the lab file.'), z.array(z.string().regex(/^lab /, 'must be a lab command')).min(1)])
    .optional()
    .describe('What makes the task pass: a file, or lab commands.'),
  mustFailOnStarter: z.boolean().default(true).describe('lab test requires this task to fail before the student works.'),
});

export const QuizSchema = z.strictObject({
  id: kebab,
  question: localText,
  options: z.record(z.string().regex(/^[a-z0-9]+$/, 'must be a short id like a'), localText),
  answer: z.string().min(1).describe('The id of the right option.'),
  explanation: localText.optional(),
});

export type Task = z.infer<typeof TaskSchema>;
export type TaskCheck = z.infer<typeof TaskCheckSchema>;
export type QuizQuestion = z.infer<typeof QuizSchema>;
