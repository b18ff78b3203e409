import { randomInt } from 'node:crypto';
import type { Context } from '../cli/context.ts';
import { readLab } from '../config/labs.ts';
import { formatTimeline } from '../core/failover-timeline.ts';
import type { Palette } from '../core/palette.ts';
import type { TaskCheck } from '../core/task-schema.ts';
import { type ChaosOutcome, chaosSummaryLines, DEFAULT_SLO, judgeChaosRuns, type Slo } from '../core/verdicts-chaos.ts';
import { readChaosReport } from '../engine/progress-file.ts';
import { projectWorkspace } from '../engine/workspace.ts';
import { type ChaosRunResult, runChaos } from './chaos-run.ts';
import type { CheckTarget } from './target.ts';
import type { CheckResult } from './types.ts';

type ChaosCheck = Extract<TaskCheck, { kind: 'chaos' }>;

/** A seed the student has not seen: drawn when lab grades, and printed after, to replay with lab chaos --seed. */
export const freshSeed = (): number => randomInt(1, 2 ** 31);

/** The SLO of the lab a project runs (slo: in its lab file), else DEFAULT_SLO. */
async function labSlo(ctx: Pick<Context, 'env'>, t: Pick<CheckTarget, 'project' | 'haproxy'>): Promise<Slo> {
  const { state } = await projectWorkspace(ctx, t.project, t.haproxy);
  return (state && readLab(state.labFile).lab?.lab.slo) || DEFAULT_SLO;
}

/** The text of one run: its figures against the SLO, then its timeline. */
export const chaosRunLines = (r: ChaosRunResult, slo: Slo, c: Palette): string[] => [
  ...chaosSummaryLines(
    {
      ...r.outcome,
      durationS: r.settings.durationS,
      failures: { ...r.summary.failures },
      p50Ms: r.summary.latencyMs.p50,
      rps: r.summary.rps,
    },
    slo,
    c,
  ),
  ...formatTimeline(r.events, c),
];

/**
 * The chaos check. from: run — `seeds` runs, each with a fresh seed, graded against the lab's
 * SLO (it stops at the first run that misses it). from: report — passes once the student has run
 * lab chaos on this lab (engine/progress-file.ts keeps its last report).
 */
export async function chaosCheck(ctx: Context, t: CheckTarget, check: ChaosCheck, c: Palette): Promise<CheckResult> {
  const t0 = performance.now();
  const name = check.name ?? 'chaos';
  const result = (pass: boolean, reason: string, report: string[], data?: unknown): CheckResult => ({
    name,
    kind: 'chaos',
    verdict: pass ? 'PASS' : 'FAIL',
    reason,
    ms: performance.now() - t0,
    report,
    data,
  });
  if (check.from === 'report') {
    const { ws } = await projectWorkspace(ctx, t.project, t.haproxy);
    const last = parseReport(await readChaosReport(ws));
    if (!last)
      return result(
        false,
        `no lab chaos report of ${t.project} yet: run lab chaos on this lab and read its report`,
        [],
      );
    return result(
      true,
      `lab chaos ran on ${t.project}: seed ${last.seed}, ${last.availability}% of ${last.sent} request(s) succeeded, p95 ${Math.round(last.p95Ms)} ms (${last.pass ? 'the SLO held' : 'the SLO did not hold'})`,
      [],
      last,
    );
  }
  const slo = await labSlo(ctx, t);
  const runs: ChaosRunResult[] = [];
  const report: string[] = [];
  for (let i = 0; i < check.seeds && !ctx.signal.aborted; i++) {
    const r = await runChaos(
      t,
      { durationS: check.duration, seed: freshSeed(), faults: check.faults },
      { rate: check.rate, slo, signal: ctx.signal },
    );
    runs.push(r);
    report.push(...chaosRunLines(r, slo, c));
    if (!r.verdict.pass) break;
  }
  const outcomes: ChaosOutcome[] = runs.map((r) => r.outcome);
  const v = judgeChaosRuns(outcomes, slo, check.seeds);
  return result(v.pass, v.reason, report, {
    slo,
    runs: runs.map((r) => ({
      ...r.outcome,
      availability: r.verdict.availability,
      pass: r.verdict.pass,
      events: r.events,
    })),
  });
}

interface SavedReport {
  seed: number;
  sent: number;
  availability: number;
  p95Ms: number;
  pass: boolean;
}

function parseReport(text: string | undefined): SavedReport | undefined {
  try {
    const j = JSON.parse(text ?? '') as Partial<SavedReport> & { faults?: unknown[] };
    return typeof j.seed === 'number' &&
      typeof j.sent === 'number' &&
      j.sent > 0 &&
      Array.isArray(j.faults) &&
      j.faults.length > 0
      ? (j as SavedReport)
      : undefined;
  } catch {
    return undefined;
  }
}
