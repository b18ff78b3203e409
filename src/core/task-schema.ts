import * as z from 'zod';
import { CHAOS_FAULTS, faultSlots } from './chaos-plan.ts';
import { DRILL_FAULTS, failoverFaultProblem } from './drill-fault.ts';

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
const headers = z
  .record(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be a header name'), z.string())
  .optional()
  .describe('Request headers.');
const method = z.enum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']).default('GET');
const common = {
  name: kebab.optional().describe('Shown in reports; defaults to the kind.'),
  description: z.string().optional(),
};
const load = {
  requests: z.number().int().min(1).max(100_000).optional(),
  concurrency: z.number().int().min(1).max(256).optional(),
};
/** Another of HAProxy's ports than the app port: a second frontend the student binds (e.g. an L4 one on :8081). */
const port = z
  .number()
  .int()
  .min(1)
  .max(65535)
  .optional()
  .describe(
    "HAProxy's port inside the lab network the requests go to (default: the app port, 8080): a frontend of the student's own, e.g. :8081. Sent from the lab's clients, so the lab needs clients:.",
  );

const HttpCheck = z.strictObject({
  ...common,
  kind: z.literal('http'),
  method,
  port,
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
  port,
  mode: z
    .enum(['tcp', 'http'])
    .optional()
    .describe(
      "The mode of the frontend (or listen) that took these requests, read from HAProxy's stats: tcp proves an L4 frontend, whatever its name.",
    ),
  rows: z
    .array(
      z.strictObject({ method, path, headers, service: z.string().min(1).describe('The service that must answer.') }),
    )
    .min(1),
});

const ServersCheck = z.strictObject({
  ...common,
  kind: z.literal('servers'),
  backend: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/)
    .optional()
    .describe("The HAProxy backend, e.g. a service's name; the lab's default service (app for app:) when absent."),
  servers: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Servers with a replica behind them (empty template slots not counted).'),
  up: z.number().int().min(0).optional().describe('Servers UP with a passed health check (or UP without checks).'),
  healthChecks: z.boolean().optional().describe('Health checks on (true) or off (false) on every server.'),
  backup: z.number().int().min(0).optional().describe('Backup servers.'),
  algorithm: z
    .string()
    .regex(/^[a-z-]+$/)
    .optional()
    .describe('The balance algorithm HAProxy runs (stats CSV algo column).'),
  via: z
    .strictObject({ path: path.default('/'), headers })
    .optional()
    .describe(
      "Requests sent this way through the app port must be counted by this backend (HAProxy's stats): proves the frontend routes there (use_backend), not only that the backend exists.",
    ),
});

/** The kinds `checks:` has (lab check), usable in tasks too. */
const ReplicasUpCheck = z.strictObject({
  ...common,
  kind: z.literal('replicas-up'),
  service: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/)
    .optional()
    .describe('Only this service (its HAProxy backend); every service when absent.'),
});
/** distribution and failover aim at one service: its backend is judged, its path gets the traffic (core/services.ts checkAim). */
const aim = {
  service: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/)
    .optional()
    .describe('The service whose HAProxy backend is judged; the default service (the one / reaches) when absent.'),
  path: path
    .optional()
    .describe("Where the traffic goes through HAProxy; default the service's path: prefix (generated mode), else /."),
};
const DistributionCheck = z.strictObject({
  ...common,
  ...load,
  ...aim,
  kind: z.literal('distribution'),
  tolerance: z.number().min(0).max(1).optional(),
  servers: z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe(
      "At least this many servers took traffic (HAProxy's counters), whatever the lab's replica count says: e.g. 5 after lab scale 02 5.",
    ),
});
const FailoverCheck = z.strictObject({
  ...common,
  ...aim,
  concurrency: load.concurrency,
  kind: z.literal('failover'),
  fault: z
    .string()
    .superRefine((raw, ctx) => {
      const why = failoverFaultProblem(raw);
      if (why) ctx.addIssue({ code: 'custom', message: why });
    })
    .default('stop')
    .describe(`What breaks: stop (docker stop, the default), or a lab fault: ${DRILL_FAULTS.join(', ')}.`),
  target: z
    .enum(['one', 'primaries'])
    .default('one')
    .describe('one: a replica in rotation; primaries: every non-backup server, so the backup servers must serve.'),
  hold: z
    .number()
    .min(0.2)
    .max(30)
    .default(2)
    .describe(
      'Seconds the fault stays after HAProxy took the server out (the rest serve), before lab clears it; a hang or pause at least 5.5 s, longer than the clients wait.',
    ),
  expect: z
    .strictObject({
      detectWithin: z
        .number()
        .positive()
        .max(60)
        .optional()
        .describe('Seconds from the fault until HAProxy has the broken server(s) out of rotation.'),
      maxFailed: z.number().int().min(0).default(0).describe('Client requests that may fail over the whole drill.'),
    })
    .prefault({}),
});

const AffinityCheck = z.strictObject({
  ...common,
  kind: z.literal('affinity'),
  by: z
    .enum(['cookie', 'source', 'connection'])
    .describe(
      'cookie: each client keeps its cookies (cookie SERVERID insert). source: the clients send from their own IPs (balance source); needs clients: in the lab. connection: each client sends over one kept-alive connection, which an L4 (mode tcp) frontend gives to one server.',
    ),
  port,
  path: path.default('/'),
  headers,
  requests: z.number().int().min(2).max(1000).default(20).describe('Requests per client.'),
  clients: z
    .number()
    .int()
    .min(1)
    .max(20)
    .optional()
    .describe(
      "Clients that send: default all the lab's clients (by: cookie without clients: 3 browsers on this machine).",
    ),
  spread: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(2)
    .describe('The clients together reach at least this many servers (different clients spread).'),
});

const ThroughputState = z.strictObject({
  name: kebab.describe('How the report names this state, e.g. scale-up.'),
  path: path.default('/'),
  headers,
});

const ThroughputCheck = z.strictObject({
  ...common,
  kind: z.literal('throughput'),
  baseline: ThroughputState.describe('The state compared against, e.g. 1 replica with 2 CPUs.'),
  candidate: ThroughputState.describe('The state that should serve more, e.g. 4 replicas with 0.5 CPU each.'),
  concurrency: z
    .number()
    .int()
    .min(1)
    .max(256)
    .default(8)
    .describe('Requests in flight in all, the same for both states.'),
  duration: z.number().min(1).max(60).default(5).describe('Seconds of load per state.'),
  expect: z
    .strictObject({
      rpsRatio: z
        .number()
        .min(0.1)
        .max(100)
        .default(1)
        .describe("The candidate serves at least this many times the baseline's requests/s."),
      p95Ratio: z
        .number()
        .min(0.1)
        .max(100)
        .optional()
        .describe("The candidate's p95 latency is at most this many times the baseline's."),
      margin: z
        .number()
        .min(0)
        .max(0.9)
        .default(0.1)
        .describe('Noise allowance: each ratio may miss by this fraction (0.1: 1.3 passes from 1.17).'),
      maxFailed: z
        .number()
        .min(0)
        .max(1)
        .default(0.01)
        .describe('The fraction of requests that may fail in each state.'),
      attempts: z
        .number()
        .int()
        .min(1)
        .max(5)
        .default(1)
        .describe(
          'Measure again, up to this many times in all, while a ratio misses narrowly (a CPU comparison on a busy machine); the first passing attempt counts.',
        ),
    })
    .prefault({}),
});

const fraction = z.number().min(0).max(1);
const KillReplicaCheck = z.strictObject({
  ...common,
  kind: z.literal('kill-replica'),
  service: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/)
    .describe('The service whose lowest-numbered running replica is killed (SIGKILL), then started again.'),
  path: path
    .default('/')
    .describe('Where the load goes through HAProxy, e.g. /big/ for the service routed under /big.'),
  headers,
  rate: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(40)
    .describe('Requests per second in all, whatever the answers (open loop).'),
  down: z
    .number()
    .min(0.5)
    .max(30)
    .default(2)
    .describe('Seconds the killed replica stays down before lab starts it again.'),
  expect: z.strictObject({
    minFailed: fraction
      .optional()
      .describe(
        'At least this fraction of the requests sent while the replica was down fail (e.g. 0.5: the service had no other replica).',
      ),
    maxFailed: fraction.optional().describe('At most this fraction fail (e.g. 0.1: the other replicas took over).'),
    slowstart: z
      .boolean()
      .optional()
      .describe(
        "true: when HAProxy has the replica UP again it eases it in (slowstart: a throttle in HAProxy's stats); false: it gives it its full share at once.",
      ),
  }),
});

const SessionCheck = z.strictObject({
  ...common,
  kind: z.literal('session'),
  path: path.default('/session').describe("The demo app's session counter (X-Session: new, kept or lost)."),
  headers,
  requests: z
    .number()
    .int()
    .min(2)
    .max(50)
    .default(6)
    .describe('Requests of one browser keeping its cookies; with kill, as many again after the kill.'),
  kill: z
    .boolean()
    .default(false)
    .describe(
      'After the requests, kill (SIGKILL) the replica that answered the last one, wait until HAProxy has it out of rotation, send the requests again, then start it again.',
    ),
  expect: z.strictObject({
    session: z
      .enum(['kept', 'lost'])
      .describe(
        'kept: every request after the first found its session; lost: one did not (with kill: after the kill, and kept before it).',
      ),
    sticky: z
      .boolean()
      .optional()
      .describe('Before the kill, the browser stayed on one replica (true) or reached several (false).'),
    service: z.string().min(1).optional().describe('The service (X-App) that must answer.'),
  }),
});

const ChaosCheck = z
  .strictObject({
    ...common,
    kind: z.literal('chaos'),
    from: z
      .enum(['run', 'report'])
      .default('run')
      .describe(
        "run: lab runs chaos with a seed of its own, drawn when it grades (one the student has not seen), and grades the lab's slo:. report: passes once the student has run lab chaos on this lab (its last report, in the workspace).",
      ),
    duration: z.number().min(4).max(120).default(8).describe('Seconds of each run (from: run).'),
    faults: z
      .array(z.enum(CHAOS_FAULTS))
      .min(1)
      .default([...CHAOS_FAULTS])
      .describe(`Faults drawn from, each once per round: ${CHAOS_FAULTS.join(', ')}.`),
    seeds: z
      .number()
      .int()
      .min(1)
      .max(5)
      .default(2)
      .describe('Runs, each with its own seed: the SLO must hold for every one.'),
    rate: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(50)
      .describe('Requests per second in all, whatever the answers (open loop).'),
  })
  .superRefine((c, ctx) => {
    // A structural grade: every fault listed must happen in each run, whatever the seed.
    const need = Math.ceil((c.faults.length * 2000 + 2000) / 1000);
    if (c.from === 'run' && faultSlots(c.duration) < c.faults.length)
      ctx.addIssue({
        code: 'custom',
        path: ['duration'],
        message: `${c.duration} s holds ${faultSlots(c.duration)} fault(s); give at least ${need} s so each of the ${c.faults.length} faults happens in every run`,
      });
  });

const RolloutCheck = z
  .strictObject({
    ...common,
    kind: z.literal('rollout'),
    service: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/)
      .default('app')
      .describe('The service lab rolls (it needs versions: in the lab file).'),
    strategy: z.enum(['rolling', 'recreate']).default('rolling').describe('As lab rollout --strategy.'),
    batch: z.number().int().min(1).max(100).optional().describe('As lab rollout --batch (rolling only).'),
    path: path.default('/'),
    rate: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(50)
      .describe('Requests per second in all during the rollout, whatever the answers (open loop).'),
    expect: z
      .strictObject({
        maxFailed: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe('Client requests that may fail during the rollout (0: no downtime).'),
        minFailed: z.number().int().min(0).optional().describe('At least this many fail (to show what recreate does).'),
      })
      .prefault({}),
  })
  .describe(
    'Under load, lab rolls the service to its next version (the one after the version it runs, in versions:, round to the first), as lab rollout does; every replica must run it at the end, UP in HAProxy.',
  );

export const TaskCheckSchema = z.discriminatedUnion('kind', [
  HttpCheck,
  RoutingCheck,
  ServersCheck,
  ReplicasUpCheck,
  DistributionCheck,
  FailoverCheck,
  AffinityCheck,
  ThroughputCheck,
  KillReplicaCheck,
  SessionCheck,
  ChaosCheck,
  RolloutCheck,
]);

export const TaskSchema = z.strictObject({
  id: kebab,
  title: localText,
  instructions: localText.describe('Markdown.'),
  needs: z.array(kebab).default([]).describe('Tasks that must pass before this one is graded.'),
  hints: z.array(localText).default([]).describe('Revealed one at a time by `lab hint`.'),
  checks: z.array(TaskCheckSchema).min(1),
  solution: z
    .union([
      z.string().min(1).describe('A file, relative to the lab file.'),
      z.array(z.string().regex(/^lab /, 'must be a lab command')).min(1),
    ])
    .optional()
    .describe('What makes the task pass: a file, or lab commands.'),
  mustFailOnStarter: z
    .boolean()
    .default(true)
    .describe('lab test requires this task to fail before the student works.'),
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
