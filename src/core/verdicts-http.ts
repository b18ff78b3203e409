/**
 * Verdicts of the http and routing checks, from the answers lab got. Pure. The demo app
 * (compose/whoami) names itself in `X-App: service/replica/version`; HAProxy names the server
 * in X-Served-By.
 */
export interface HttpAnswer {
  status: number;
  /** The first KBs of the body. */
  body: string;
  /** X-App: service/replica/version, when the app sent it. */
  app: string | null;
  /** X-Served-By, HAProxy's server name. */
  server: string | null;
  /** X-Session, the demo app's session state at /session ("kept; count=3"). */
  session?: string | null;
  /** The cookies the answer set, as name=value. */
  setCookie?: readonly string[];
  error?: string;
}

export interface HttpExpect {
  status?: number | undefined;
  body?: string | undefined;
  service?: string | undefined;
  version?: string | undefined;
  sameReplica?: boolean | undefined;
}

export interface Verdict {
  pass: boolean;
  reason: string;
}

export const identity = (app: string | null): { service?: string; replica?: string; version?: string } => {
  if (!app) return {};
  const [service, replica, version] = app.split('/');
  return { service, replica, version };
};

/** Who answered, for a report: the app's own name, else HAProxy's server name. */
const who = (a: HttpAnswer) => a.app ?? a.server ?? 'unknown';

const tally = (values: string[]): string => {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, n]) => `${v} ×${n}`).join(', ');
};

export function judgeHttp(answers: readonly HttpAnswer[], expect: HttpExpect, what: string): Verdict {
  const n = answers.length;
  const failures: string[] = [];
  const broken = answers.filter((a) => a.status === 0);
  if (broken.length)
    return {
      pass: false,
      reason: `${broken.length} of ${n} request(s) to ${what} got no answer (${broken[0]?.error ?? 'no response'}); is the lab running and HAProxy serving?`,
    };
  const statuses = answers.map((a) => a.status);
  if (expect.status !== undefined) {
    const wrong = statuses.filter((s) => s !== expect.status);
    if (wrong.length) failures.push(`expected status ${expect.status}, got ${tally(statuses.map(String))}`);
  } else if (statuses.some((s) => s >= 500)) {
    failures.push(`the server answered with errors: ${tally(statuses.map(String))}`);
  }
  if (expect.body !== undefined) {
    const missing = answers.filter((a) => !a.body.includes(expect.body!)).length;
    if (missing) failures.push(`${missing} of ${n} answer(s) do not contain "${expect.body}"`);
  }
  if (expect.service !== undefined) {
    const services = answers.map((a) => identity(a.app).service ?? '(no X-App header)');
    if (services.some((s) => s !== expect.service))
      failures.push(`expected service ${expect.service} to answer, got ${tally(services)}`);
  }
  if (expect.version !== undefined) {
    const versions = answers.map((a) => identity(a.app).version ?? '(no version)');
    if (versions.some((v) => v !== expect.version))
      failures.push(`expected version ${expect.version}, got ${tally(versions)}`);
  }
  if (expect.sameReplica) {
    const replicas = answers.map(who);
    const distinct = new Set(replicas);
    if (n < 2) failures.push('sameReplica needs at least 2 requests');
    else if (distinct.size !== 1)
      failures.push(
        `the same client was sent to ${distinct.size} different replicas (${tally(replicas)}); with sticky sessions it stays on one`,
      );
  }
  if (failures.length) return { pass: false, reason: failures.join('; ') };
  const seen = tally(answers.map(who));
  return {
    pass: true,
    reason: `${n} request(s) to ${what}: status ${tally(statuses.map(String))}, answered by ${seen}`,
  };
}

export interface RouteRow {
  method: string;
  path: string;
  headers?: Record<string, string> | undefined;
  service: string;
}

export interface RouteResult {
  row: RouteRow;
  got: string;
  status: number;
  pass: boolean;
}

/** Each row of a routing table: did the expected service answer? */
export function judgeRoutes(
  rows: readonly RouteRow[],
  answers: readonly HttpAnswer[],
): { results: RouteResult[]; verdict: Verdict } {
  const results = rows.map((row, i) => {
    const a = answers[i];
    const got =
      a && a.status !== 0
        ? (identity(a.app).service ?? `(no X-App header, status ${a.status})`)
        : `(no answer: ${a?.error ?? 'not sent'})`;
    return { row, got, status: a?.status ?? 0, pass: got === row.service && (a?.status ?? 0) < 500 };
  });
  const wrong = results.filter((r) => !r.pass);
  const label = (r: RouteResult) =>
    `${r.row.method} ${r.row.path}${
      r.row.headers
        ? ` ${Object.entries(r.row.headers)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ')}`
        : ''
    }`;
  return {
    results,
    verdict: wrong.length
      ? {
          pass: false,
          reason: `${wrong.length} of ${rows.length} route(s) went elsewhere: ${wrong.map((r) => `${label(r)} → ${r.got}, expected ${r.row.service}`).join('; ')}`,
        }
      : { pass: true, reason: `all ${rows.length} route(s) reached the expected service` },
  };
}
