import type { Context } from '../cli/context.ts';
import type { OptionsOf } from '../cli/options.ts';
import { loadLab, type LoadedLab } from '../config/labs.ts';
import { RuntimeError, UsageError } from '../core/errors.ts';
import { substitute } from '../core/images.ts';
import { shortId } from '../core/lab-id.ts';
import { pickLanguage } from '../core/localized.ts';
import { parseTimeout, projectFor } from '../core/options.ts';
import { resolveEndpoint } from '../docker/endpoint.ts';
import { servesConfig } from '../engine/confirm-config.ts';
import { type Engine, openEngine } from '../engine/engine.ts';
import { withProjectLock } from '../engine/lock.ts';
import { runningProject, statsEndpoint } from '../engine/project.ts';
import { haproxyAcceptsTexts, readStudentFile } from '../engine/student-check.ts';
import { readLabCfgTemplate } from '../config/templates.ts';
import type { RenderOptions } from '../core/options.ts';
import { renderLabCfg } from '../core/render-lab-cfg.ts';
import { projectWorkspace, restoreLabCfg, type Workspace, writeLabCfg } from '../engine/workspace.ts';
import { reloadHaproxy } from '../haproxy/master-cli.ts';
import { saveServersState } from '../haproxy/runtime-api.ts';
import { readStats } from '../haproxy/stats-client.ts';
import { answeredSinceReload, keepServerStates } from '../core/seamless-reload.ts';
import { LAB_STATS_PROXY } from '../core/render-lab-cfg.ts';
import { reloadFailureLines } from '../core/haproxy-log.ts';
import { gradedJson, gradeLab } from '../exercises/grade-lab.ts';
import { failing } from '../ui/output.ts';
import { type Catalog, messages } from '../i18n/index.ts';
import type { applyCommand } from './apply.command.ts';

export type ApplyOptions = OptionsOf<typeof applyCommand> & { lab: string };

/**
 * Check the student's haproxy.cfg with HAProxy itself, then reload HAProxy with it through the
 * master CLI and confirm it runs it. A file HAProxy rejects, or one that takes lab's ports,
 * changes nothing (exit 2): the running HAProxy keeps serving the previous configuration.
 */
export async function apply(ctx: Context, opts: ApplyOptions): Promise<void> {
  const t0 = performance.now();
  const loaded = loadLab(opts.lab);
  const short = shortId(loaded.lab.id);
  const lang = pickLanguage(opts.lang, ctx.env);
  const m = messages(lang).apply;
  if (!loaded.starter)
    throw new UsageError(m.notStudent({ id: loaded.lab.id }), { hint: m.notStudentHint({ lab: short }) });
  const timeoutMs = parseTimeout(opts.timeout, 10);
  const project = projectFor(opts.project, () => loaded.lab.id);
  const endpoint = await resolveEndpoint(ctx.env, ctx.host);
  const applied = await withProjectLock(ctx, endpoint, project, `apply ${opts.lab}`, async () => {
    const engine = await openEngine(ctx, endpoint);
    const { haproxy } = await runningProject(engine, project, short);
    const { ws, state } = await projectWorkspace(ctx, project, haproxy);
    if (!state)
      throw new UsageError(m.workspaceGone({ project, dir: ws.dir }), { hint: m.workspaceGoneHint({ lab: short }) });
    const checked = performance.now();
    const step = ctx.out.step(m.checking({ file: ws.haproxyCfg }));
    const student = await failing(
      step,
      checkedStudentFile(engine, loaded, project, ws, state.options, short, haproxy.id, m),
    );
    step.update(m.reloading);
    const { configId, previous } = await writeLabCfg(ws, loaded, state.options, student);
    // The new workers start with the servers as they are, those the student's file still defines.
    await saveServersState(engine.docker, haproxy.id, (dump) => keepServerStates(dump, [student]));
    const answer = await reloadHaproxy(engine.docker, haproxy.id).catch(async (e: unknown) => {
      if (previous !== undefined) await restoreLabCfg(ws, previous);
      throw e;
    });
    const stats = statsEndpoint(engine, haproxy, state.options);
    if (!answer.success || !(await servesConfig(ctx, stats, configId, timeoutMs))) {
      // The old workers keep serving the old files: say so, and leave 00-lab.cfg as it was.
      if (previous !== undefined) await restoreLabCfg(ws, previous);
      step.fail();
      throw new RuntimeError(
        answer.success ? m.notServing({ configId, seconds: Math.round(timeoutMs / 1000) }) : m.refused,
        {
          details: [m.startupLog, ...reloadFailureLines(answer.log, 20).map((l) => `  ${l}`)],
          hint: m.reloadHint({ lab: short, file: ws.haproxyCfg }),
        },
      );
    }
    const ms = performance.now() - checked;
    step.succeed(m.applied({ configId, ms: Math.round(ms) }));
    // Under a load, what the new workers answered so far: a reload that failed requests shows.
    const reload = await readStats(stats)
      .then((rows) => answeredSinceReload(rows, [LAB_STATS_PROXY]))
      .catch(() => undefined);
    if (reload?.requests) {
      const say = m.answered({ requests: reload.requests, http5xx: reload.http5xx });
      if (reload.http5xx) ctx.out.warn(m.notReady({ answered: say }));
      else ctx.out.info(say);
    }
    ctx.out.result(m.done({ project, file: ws.haproxyCfg, lab: short }));
    return { studentConfig: ws.haproxyCfg, configId, ms: Math.round(ms), ...(reload ? { reload } : {}) };
  });
  // Then the tasks are graded against what HAProxy now runs (after the lock: grading takes it
  // itself). Failing tasks are the student's next step, not an error of apply: exit 0.
  const lab = loaded.lab;
  const graded =
    lab.tasks.length && opts.grade !== false
      ? await gradeLab(ctx, {
          lab,
          labFile: loaded.file,
          project,
          endpoint,
          lang,
          settle: true,
          allChecks: opts.allChecks,
        })
      : undefined;
  ctx.out.data({
    outcome: 'success',
    lab: lab.id,
    project,
    ...applied,
    reloaded: true,
    ...(graded
      ? {
          score: graded.percent,
          passed: graded.passed,
          solved: graded.solved,
          total: graded.total,
          tasks: gradedJson(lab, graded.graded, lang),
          gradedMs: Math.round(performance.now() - t0),
        }
      : {}),
  });
}

/** The student's file, read, refused if lab can tell it is wrong, and checked by HAProxy (`haproxy -c`) in the running HAProxy's network. */
async function checkedStudentFile(
  engine: Engine,
  loaded: LoadedLab,
  project: string,
  ws: Workspace,
  options: RenderOptions,
  short: string,
  haproxyId: string,
  m: Catalog['apply'],
): Promise<string> {
  const file = ws.haproxyCfg;
  const next = m.fixThenApply({ file, lab: short });
  const text = await readStudentFile(file, next, short);
  // HAProxy checks lab's copy of what lab read and judged, in a folder of lab's own: never a
  // path in the workspace, which the student could change (or link elsewhere) meanwhile.
  const labCfg = renderLabCfg(readLabCfgTemplate(), loaded.lab, options, text);
  const request = {
    image: substitute(loaded.lab.loadBalancer.image, options.images),
    labId: loaded.lab.id,
    project,
    workspace: ws.dir,
    haproxyId,
  };
  await haproxyAcceptsTexts(engine, request, { student: text, labCfg }, { student: file, labCfg: ws.labCfg }, next);
  return text;
}
