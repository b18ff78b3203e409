import { listLabFiles } from '../config/lab-files.ts';
import { readLabCached } from '../config/lab-cache.ts';
import type { Context } from '../cli/context.ts';
import { groupBySection, minutesText } from '../core/catalog.ts';
import { renderTable } from '../core/report.ts';
import { shortId } from '../core/lab-id.ts';
import { pick, pickLanguage } from '../core/localized.ts';

/** The labs, grouped by the course section each teaches, with its tasks and expected duration. */
export async function list(ctx: Context, opts: { lang?: string } = {}): Promise<void> {
  const lang = pickLanguage(opts.lang, ctx.env);
  const read = await Promise.all(
    listLabFiles().map(async ({ id, file }) => ({ id, file, ...(await readLabCached(file, ctx.env)) })),
  );
  const labs = read.map(({ id, file, lab, problems }) => {
    const l = lab?.lab;
    return {
      id,
      file,
      title: l ? pick(l.title, lang) : undefined,
      section: l?.section,
      tasks: l?.tasks.length ?? 0,
      duration: l?.duration,
      valid: problems.length === 0,
      problems: problems.length,
    };
  });
  const sections = groupBySection(labs, lang);
  ctx.out.data({
    outcome: 'success',
    labs: labs.map(({ section, ...l }) => ({ ...l, section: section === undefined ? null : pick(section, lang) })),
    sections: sections.map((s) => ({ section: s.section, labs: s.labs.map((l) => l.id), minutes: s.minutes })),
  });
  if (labs.length === 0)
    return ctx.out.result('No labs found. Set LAB_LABS_DIR to a folder of labs/<id>/lab.yaml files.');
  const { c } = ctx.out;
  sections.forEach((s, i) => {
    const heading = s.section ?? (lang === 'ja' ? 'その他' : 'Other labs');
    ctx.out.result(`${i ? '\n' : ''}${c.bold(heading)}${s.minutes ? c.dim(`  (${minutesText(s.minutes)})`) : ''}`);
    const rows = s.labs.map((l) => [
      shortId(l.id),
      l.id,
      l.valid ? (l.title ?? '') : c.red(`invalid: run lab validate ${l.id}`),
      l.tasks ? String(l.tasks) : '-',
      minutesText(l.duration),
    ]);
    ctx.out.result(renderTable(rows, ['#', 'LAB', 'TITLE', 'TASKS', 'TIME']).replace(/^/gm, '  '));
  });
  ctx.out.result(c.dim(`\nStart one with: lab up ${shortId(labs[0]!.id)}; lab show <#> for its goals and tasks`));
}
