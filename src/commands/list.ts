import { listLabFiles, readLab } from '../config/labs.ts';
import type { Context } from '../cli/context.ts';
import { renderTable } from '../core/report.ts';
import { shortId } from '../core/lab-id.ts';
import { pick, pickLanguage } from '../core/localized.ts';

export async function list(ctx: Context, opts: { lang?: string } = {}): Promise<void> {
  const lang = pickLanguage(opts.lang, ctx.env);
  const labs = listLabFiles().map(({ id, file }) => {
    const { lab, problems } = readLab(file);
    return { id, file, title: lab ? pick(lab.lab.title, lang) : undefined, valid: problems.length === 0, problems: problems.length };
  });
  ctx.out.data({ outcome: 'success', labs });
  if (labs.length === 0) return ctx.out.result('No labs found. Set LAB_LABS_DIR to a folder of labs/<id>/lab.yaml files.');
  ctx.out.result(
    renderTable(
      labs.map((l) => [shortId(l.id), l.id, l.valid ? (l.title ?? '') : ctx.out.c.red(`invalid: run lab validate ${l.id}`)]),
      ['#', 'LAB', 'TITLE'],
    ),
  );
  ctx.out.result(ctx.out.c.dim(`\nStart one with: lab up ${shortId(labs[0]!.id)}`));
}
