import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  copiedSolutions,
  type Mark,
  markOf,
  markScore,
  type StudentExtras,
  studentExtras,
} from '../core/exercises/marks.ts';
import type { Workspace } from '../engine/workspace.ts';
import { checkTarget } from '../checks/target.ts';
import type { Context } from '../cli/context.ts';
import type { Lab } from '../core/lab-schema.ts';
import { withGrades } from '../core/exercises/progress.ts';
import { unmetNeeds } from '../core/exercises/task-state.ts';
import { checksSettled } from '../core/haproxy-servers.ts';
import { renderJUnit } from '../core/junit.ts';
import { shortId } from '../core/lab-id.ts';
import { type Language, pick } from '../core/localized.ts';
import { renderTable } from '../core/report.ts';
import type { Endpoint } from '../docker/endpoint.ts';
import { openEngine } from '../engine/engine.ts';
import { withProjectLock } from '../engine/lock.ts';
import { readProgress, writeProgress } from '../engine/progress-file.ts';
import { projectWorkspace } from '../engine/workspace.ts';
import { readStats, type StatsEndpoint } from '../haproxy/stats-client.ts';
import { type Catalog, messages } from '../i18n/index.ts';
import { type GradedTask, gradeTasks } from './grade-tasks.ts';

export interface GradeLabRequest {
  lab: Lab;
  project: string;
  endpoint: Endpoint;
  lang: Language;
  junit?: string;
  /** The lab file: its tasks' solution files tell a student file that is one of them. */
  labFile?: string;
  /** Wait (at most 5 s) for HAProxy's health checks to settle first: right after a reload, new servers are still being checked. */
  settle?: boolean;
  /** Run every check even after a cheaper one of its task failed (--all-checks). */
  allChecks?: boolean | undefined;
}

/**
 * Grade every task of a running lab, save the progress, print the table and the score (and
 * the --json data). Shared by lab grade and by lab apply, which grades after a reload.
 */
export async function gradeLab(
  ctx: Context,
  r: GradeLabRequest,
): Promise<{
  graded: MarkedTask[];
  passed: number;
  solved: number;
  total: number;
  percent: number;
  student: StudentExtras;
}> {
  const short = shortId(r.lab.id);
  // Locked like check: a concurrent down or scale would change the stack under the grader.
  const { graded, ws } = await withProjectLock(ctx, r.endpoint, r.project, `grade ${short}`, async () => {
    const engine = await openEngine(ctx, r.endpoint);
    const target = await checkTarget(ctx, engine, r.project, short);
    if (r.settle) await settleChecks(target.stats, ctx.signal);
    const { ws } = await projectWorkspace(ctx, r.project, target.haproxy);
    return { graded: await gradeTasks(ctx, target, r.lab.tasks, { allChecks: r.allChecks }), ws };
  });
  const progress = withGrades(await readProgress(ws, r.lab.id), graded, new Date().toISOString());
  ctx.out.debug(`progress saved in ${await writeProgress(ws, progress)}`);
  const marked = graded.map((g) => ({ ...g, mark: markOf(g.status, progress.solved?.[g.id]) }));
  const s = markScore(marked.map((g) => g.mark));
  const student = studentExtras(progress, r.labFile ? await copiedFrom(r.lab, r.labFile, ws) : []);
  if (r.junit)
    await writeFile(
      r.junit,
      renderJUnit(
        [
          {
            name: r.lab.id,
            timeSeconds: graded.reduce((a, g) => a + g.ms, 0) / 1000,
            tests: graded.map(toCase(r.lab.id)),
          },
        ],
        'lab grade',
      ),
    );
  const m = messages(r.lang).grade;
  printGrades(ctx, r.lab, marked, r.lang, m);
  const mark = s.passed === s.total ? ctx.out.c.green : ctx.out.c.red;
  ctx.out.result(
    `\n${mark(m.score({ passed: s.passed, total: s.total, percent: s.percent, solved: s.solved }))}  ${ctx.out.c.dim(m.scoreNext({ lab: short }))}`,
  );
  if (student.copiesSolution.length) ctx.out.warn(m.copiesSolution({ tasks: student.copiesSolution.join(', ') }));
  return { graded: marked, ...s, student };
}

export type MarkedTask = GradedTask & { mark: Mark };

/** Student mode: the tasks whose reference solution file the student's haproxy.cfg is. */
async function copiedFrom(lab: Lab, labFile: string, ws: Workspace): Promise<string[]> {
  if (lab.loadBalancer.config !== 'student') return [];
  const student = await readFile(ws.haproxyCfg, 'utf8').catch(() => undefined);
  const files = lab.tasks.flatMap((t) =>
    typeof t.solution === 'string' ? [{ task: t.id, file: resolve(dirname(labFile), t.solution) }] : [],
  );
  const solutions = await Promise.all(
    files.map(async (f) => ({ task: f.task, text: await readFile(f.file, 'utf8').catch(() => '') })),
  );
  return copiedSolutions(student, solutions);
}

/** The --json form of graded tasks. */
export const gradedJson = (lab: Lab, graded: readonly (GradedTask & { mark?: Mark })[], lang: Language) => {
  const titles = new Map(lab.tasks.map((t) => [t.id, pick(t.title, lang)]));
  return graded.map((g) => ({
    id: g.id,
    title: titles.get(g.id),
    status: g.mark ?? g.status,
    reason: g.reason,
    checks: g.checks.map(({ report: _r, ms, startedAt: _s, ...c }) => ({ ...c, ms: Math.round(ms) })),
  }));
};

/** Wait (at most 5 s) until HAProxy has no server in a transitional check state (core/haproxy-servers.ts checksSettled). */
export async function settleChecks(stats: StatsEndpoint, signal: AbortSignal): Promise<void> {
  const deadline = performance.now() + 5000;
  while (performance.now() < deadline && !signal.aborted) {
    if (checksSettled(await readStats(stats).catch(() => []))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

function printGrades(ctx: Context, lab: Lab, graded: readonly MarkedTask[], lang: Language, m: Catalog['grade']): void {
  const { c } = ctx.out;
  const titles = new Map(lab.tasks.map((t) => [t.id, pick(t.title, lang)]));
  const color = { pass: c.green(m.pass), solved: c.yellow(m.solved), fail: c.red(m.fail), locked: c.dim(m.locked) };
  ctx.out.result(
    renderTable(
      graded.map((g) => [g.id, titles.get(g.id) ?? '', color[g.mark]]),
      [m.colTask, m.colTitle, m.colStatus],
    ),
  );
  // A locked task's reason is lab's own words (said again here in the reader's language); a
  // failed one's comes from the verdicts, which --json and the table share as they are.
  const passed = new Set(graded.filter((g) => g.status === 'pass').map((g) => g.id));
  const needs = new Map(lab.tasks.map((t) => [t.id, t.needs]));
  const reason = (g: MarkedTask) =>
    g.status === 'locked'
      ? m.lockedReason({ needs: unmetNeeds({ needs: needs.get(g.id) ?? [] }, (n) => passed.has(n)).join(', ') })
      : g.reason;
  for (const g of graded.filter((x) => x.status !== 'pass')) {
    ctx.out.result(`\n${c.bold(g.id)}: ${reason(g)}`);
    for (const check of g.checks.filter((x) => x.verdict === 'FAIL'))
      for (const line of check.report) ctx.out.result(line);
  }
}

const toCase = (lab: string) => (g: GradedTask) => ({
  name: g.id,
  classname: lab,
  timeSeconds: g.ms / 1000,
  ...(g.status === 'fail'
    ? {
        failure: {
          message: g.reason,
          details: g.checks
            .map((c) => `${c.name} [${c.kind}] ${c.verdict}: ${c.reason}\n${c.report.join('\n')}`)
            .join('\n'),
        },
      }
    : {}),
  ...(g.status === 'locked' ? { skipped: g.reason } : {}),
});
