import type { Context } from '../cli/context.ts';
import type { OptionsOf } from '../cli/options.ts';
import { loadLab } from '../config/labs.ts';
import { CheckFailedError, ExitError, UsageError } from '../core/errors.ts';
import { shortId } from '../core/lab-id.ts';
import { pickLanguage } from '../core/localized.ts';
import { projectFor } from '../core/options.ts';
import { resolveEndpoint } from '../docker/endpoint.ts';
import { gradedJson, gradeLab } from '../exercises/grade-lab.ts';
import { messages } from '../i18n/index.ts';
import type { gradeCommand } from './grade.command.ts';

export type GradeOptions = OptionsOf<typeof gradeCommand> & { lab: string };

/** Grade every task of a running lab, print a table and a score, save the progress. */
export async function grade(ctx: Context, opts: GradeOptions): Promise<void> {
  const lang = pickLanguage(opts.lang, ctx.env);
  const { lab, file } = loadLab(opts.lab);
  const short = shortId(lab.id);
  if (lab.tasks.length === 0) {
    const m = messages(lang).grade;
    throw new UsageError(m.noTasks({ lab: short }), { hint: m.checkHint({ lab: short }) });
  }
  const project = projectFor(opts.project, () => lab.id);
  const endpoint = await resolveEndpoint(ctx.env, ctx.host);
  const s = await gradeLab(ctx, {
    lab,
    labFile: file,
    project,
    endpoint,
    lang,
    junit: opts.junit,
    allChecks: opts.allChecks,
  });
  // score and passed count the student's own passes; a task passed after lab solve is "solved".
  ctx.out.data({
    lab: lab.id,
    score: s.percent,
    passed: s.passed,
    solved: s.solved,
    total: s.total,
    tasks: gradedJson(lab, s.graded, lang),
    ...s.student,
  });
  const failed = s.graded.filter((g) => g.status !== 'pass');
  if (failed.length)
    throw new ExitError(
      new CheckFailedError(
        `${failed.length} of ${s.total} task(s) did not pass: ${failed.map((g) => g.id).join(', ')}`,
      ),
    );
}
