import type { TaskCheck } from '../core/task-schema.ts';
import { judgeHttp } from '../core/verdicts-http.ts';
import type { CheckTarget } from './target.ts';
import { type CheckResult, resultOf } from './types.ts';

type HttpCheck = Extract<TaskCheck, { kind: 'http' }>;

/** Requests to a path with headers; the status, body, service/version or replica that answered. */
export async function httpCheck(t: CheckTarget, check: HttpCheck, signal?: AbortSignal): Promise<CheckResult> {
  const t0 = performance.now();
  const request = { method: check.method, path: check.path, headers: check.headers };
  const answers = await t.trafficAt(check.port).probe(
    Array.from({ length: check.requests }, () => request),
    check.cookies,
    signal,
  );
  const verdict = judgeHttp(
    answers,
    check.expect,
    `${check.method} ${check.port === undefined ? '' : `:${check.port}`}${check.path}`,
  );
  const report =
    answers.length > 1
      ? [
          `  ${answers.map((a, i) => `#${i + 1} ${a.status || a.error} ${a.app ?? a.server ?? ''}`.trim()).join('\n  ')}`,
        ]
      : [];
  return resultOf(check.name ?? 'http', 'http', t0, verdict, {
    report,
    data: { from: t.traffic.kind, requests: answers.length, answers: answers.map(({ body: _body, ...a }) => a) },
  });
}
