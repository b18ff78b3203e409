import { chmod, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadLab } from '../config/labs.ts';
import { EXIT, ExitError, LabError, UsageError } from '../core/errors.ts';
import {
  classExitCode,
  classHeadline,
  classJson,
  machineGrade,
  renderClassCsv,
  renderClassTable,
} from '../core/instructor/class-grade.ts';
import { renderClassHtml } from '../core/instructor/class-html.ts';
import { shortId } from '../core/lab-id.ts';
import { pick, pickLanguage } from '../core/localized.ts';
import type { Context } from './context.ts';
import { runOnEveryHost } from './fleet.ts';
import { htmlTarget, writeHtmlFile } from './html-report.ts';

export interface ClassGradeOptions {
  lab: string;
  csv?: string;
  junit?: string;
  html?: string;
  lang?: string;
}

/**
 * `lab grade <lab> --hosts room.txt`: grade the lab on every engine of the file at once (each
 * machine its own project and workspace, as the fleet runs them), then print one table of
 * machines × tasks, or one JSON object, and write the CSV. A machine that cannot be graded is a
 * row saying why; it does not stop the others. `grade` is lab grade on one machine (its --json).
 */
export async function gradeClass(
  ctx: Context,
  hostsFile: string,
  opts: ClassGradeOptions,
  grade: (c: Context) => Promise<void>,
): Promise<void> {
  if (opts.junit)
    throw new UsageError('--junit grades one machine; with --hosts use --csv <file> or --json', {
      hint: `Run lab grade ${opts.lab} --hosts ${hostsFile} --csv class.csv`,
    });
  // Read here, once: a bad lab or one without tasks is a usage error before any machine is reached.
  const { lab } = loadLab(opts.lab);
  const short = shortId(lab.id);
  if (lab.tasks.length === 0)
    throw new UsageError(`Lab ${short} has no tasks to grade`, { hint: `Run lab --hosts ${hostsFile} check ${short}` });
  const taskIds = lab.tasks.map((t) => t.id);
  if (opts.html) await htmlTarget(ctx, opts.html);
  const results = await runOnEveryHost(ctx, hostsFile, grade, true);
  const machines = results.map((r) => machineGrade(r, taskIds));
  if (opts.csv) {
    // Grades and host names, no secret: readable by the instructor's other tools (0644). chmod:
    // writeFile's mode applies only to a new file, narrowed by the umask.
    const csv = resolve(ctx.cwd, opts.csv);
    await writeFile(csv, renderClassCsv(machines, taskIds), { mode: 0o644 });
    await chmod(csv, 0o644);
    ctx.out.info(`CSV written to ${opts.csv}`);
  }
  if (opts.html) {
    const lang = pickLanguage(opts.lang, ctx.env);
    const tasks = lab.tasks.map((t) => ({ id: t.id, title: pick(t.title, lang) }));
    await writeHtmlFile(
      ctx,
      opts.html,
      renderClassHtml({
        labId: lab.id,
        labTitle: pick(lab.title, lang),
        tasks,
        machines,
        generatedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        lang,
      }),
    );
  }
  const { out } = ctx;
  out.data(classJson(lab.id, machines, taskIds));
  out.result(renderClassTable(machines, taskIds, out.c));
  const hints = machines.filter((m) => m.error?.hint).map((m) => out.c.dim(`${m.name}: ${m.error!.hint}`));
  if (hints.length) out.result(`\n${hints.join('\n')}`);
  const exitCode = classExitCode(machines);
  const headline = classHeadline(machines, taskIds);
  if (exitCode === EXIT.ok) return out.result(`\n${out.c.green(headline)}`);
  out.result(`\n${out.c.red(headline)}`);
  out.result(out.c.dim(`lab --host <address> grade ${short} shows one machine's full report`));
  // The table (or JSON) already says it all: the error only carries the exit code.
  throw new ExitError(new LabError(headline, exitCode));
}
