import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { CheckTarget } from '../checks/target.ts';
import type { CheckResult } from '../checks/types.ts';
import { UsageError } from '../core/errors.ts';
import { type ReportModel, renderHtmlReport, type ResultView } from '../core/html-report.ts';
import { runningConfigView } from '../core/running-config.ts';
import { statsTimeline } from '../core/stats-timeline.ts';
import type { Mark } from '../core/svg-charts.ts';
import type { TimelineEvent } from '../core/failover-timeline.ts';
import type { Lab } from '../core/lab-schema.ts';
import { pick, pickLanguage } from '../core/localized.ts';
import { atomicWrite } from '../engine/workspace.ts';
import { readConfigId, readStats } from '../haproxy/stats-client.ts';
import { sampleStats } from '../haproxy/stats-sampler.ts';
import type { Context } from './context.ts';

/**
 * The HTML report's shell: check the --html path before anything runs, record HAProxy's stats
 * during the run, and write the file. Commands (check, load, report, rollout, chaos)
 * build a ReportModel (core/html-report.ts) and call writeHtmlReport.
 */

/** The absolute path --html names, refused (exit 2, before anything runs) when it is a folder or its folder is missing. */
export async function htmlTarget(ctx: Context, file: string, option = '--html'): Promise<string> {
  const path = resolve(ctx.cwd, file);
  const hint = `Give a file name, e.g. ${option} report.html`;
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isDir) throw new UsageError(`${option} ${file} is a folder: lab writes the report as a file`, { hint });
  const parent = await stat(dirname(path)).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!parent)
    throw new UsageError(`${option} ${file}: the folder ${dirname(path)} does not exist`, {
      hint: `Create it first (mkdir -p ${dirname(path)}), or ${hint.toLowerCase()}`,
    });
  return path;
}

/** Write an HTML page lab made (a report, a class view): atomically, 0644 (it holds no secret). */
export async function writeHtmlFile(ctx: Context, file: string, html: string): Promise<string> {
  const path = await htmlTarget(ctx, file);
  await atomicWrite(path, html, 0o644);
  ctx.out.info(`HTML report written to ${file}`);
  return path;
}

/** The one call for commands: render the model and write it to `file`. */
export const writeHtmlReport = (ctx: Context, file: string, model: ReportModel): Promise<string> =>
  writeHtmlFile(ctx, file, renderHtmlReport(model));

/** What a run recorded for its report: per-server counts, a timeline, and the configuration HAProxy ran. */
export type Recorded = Pick<ReportModel, 'perServer' | 'timeline' | 'config'>;

/**
 * Sample HAProxy's stats during a run. `finish` stops, reads the configuration HAProxy runs (its
 * stats and the config id it serves), and adds the given marks (faults: seconds since `t0`).
 */
export function recordRun(t: Pick<CheckTarget, 'stats' | 'options' | 'backend'>): {
  t0: number;
  finish(marks?: Mark[]): Promise<Recorded>;
} {
  const sampler = sampleStats(t.stats);
  return {
    t0: sampler.t0,
    finish: async (marks = []) => {
      const samples = await sampler.stop();
      const tl = statsTimeline(samples, t.options.mode, t.backend);
      const rows = samples.at(-1)?.rows ?? (await readStats(t.stats).catch(() => []));
      const configId = await readConfigId(t.stats).catch(() => undefined);
      // The drill's own marks are exact; HAProxy's state changes, sampled once a second, only fill in without them.
      const all = marks.length ? marks : tl.marks;
      return {
        perServer: tl.perServer.map((s) => ({ label: s.name, value: s.requests, note: s.state })),
        timeline: tl.seconds.length ? { seconds: tl.seconds, marks: all.sort((a, b) => a.t - b.t) } : undefined,
        config: runningConfigView(t.options, rows, configId, t.backend),
      };
    },
  };
}

const MARKED: Partial<Record<TimelineEvent['kind'], Mark['kind']>> = {
  fault: 'fault',
  down: 'down',
  cleared: 'cleared',
  up: 'up',
};
const LABEL: Record<Mark['kind'], string> = {
  fault: 'fault',
  down: 'DOWN',
  up: 'UP',
  cleared: 'cleared',
  state: 'state',
  note: '',
};

/** Timeline events (a drill's, a chaos run's) as marks; `offsetS`: when their clock started, in seconds since the recording's. */
export function eventMarks(events: readonly TimelineEvent[], offsetS: number): Mark[] {
  return events.flatMap((e) => {
    const kind = MARKED[e.kind];
    return kind ? [{ t: Math.max(0, offsetS + e.atMs / 1000), kind, label: LABEL[kind], detail: e.text }] : [];
  });
}

/** The failover drills' events (checks/failover.ts `data.events`) as marks, in seconds since `t0`. */
export function drillMarks(results: readonly CheckResult[], t0: number): Mark[] {
  return results.flatMap((r) =>
    eventMarks((r.data as { events?: TimelineEvent[] } | undefined)?.events ?? [], ((r.startedAt ?? t0) - t0) / 1000),
  );
}

/** Check results as the report shows them. */
export const resultViews = (results: readonly CheckResult[]): ResultView[] =>
  results.map((r) => ({
    name: `${r.name} [${r.kind}]`,
    verdict: r.verdict,
    reason: r.reason,
    details: r.report.map((l) => stripVTControlCharacters(l)),
  }));

/** The parts of a model every command fills the same way. */
export function reportHeader(
  lab: Lab,
  project: string,
  command: string,
  env: NodeJS.ProcessEnv,
  lang?: string,
): Pick<ReportModel, 'labId' | 'labTitle' | 'command' | 'project' | 'generatedAt' | 'lang'> {
  const language = pickLanguage(lang, env);
  return {
    labId: lab.id,
    labTitle: pick(lab.title, language),
    command,
    project,
    generatedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    lang: language,
  };
}
