import { labServices } from '../core/services.ts';
import { findLab } from '../config/lab-files.ts';
import { loadLabCached, readLabCached } from '../config/lab-cache.ts';
import { minutesText } from '../core/catalog.ts';
import type { Context } from '../cli/context.ts';
import { shortId } from '../core/lab-id.ts';
import { pick, pickLanguage } from '../core/localized.ts';
import { renderMarkdown } from '../core/markdown.ts';

export async function show(ctx: Context, opts: { lab: string; lang?: string }): Promise<void> {
  const { lab, file } = await loadLabCached(opts.lab, ctx.env);
  const lang = pickLanguage(opts.lang, ctx.env);
  const { out } = ctx;
  const d = lab.defaults;
  const services = labServices(lab);
  out.data({ outcome: 'success', file, lab });
  const short = shortId(lab.id);
  out.result(`${out.c.bold(`${lab.id}: ${pick(lab.title, lang)}`)}\n`);
  out.result(`${renderMarkdown(pick(lab.summary, lang), out.c)}\n`);
  const about = [
    lab.section ? `section: ${pick(lab.section, lang)}` : '',
    lab.duration ? `about ${minutesText(lab.duration)}` : '',
  ].filter(Boolean);
  if (about.length) out.result(`${about.join(', ')}\n`);
  if (lab.prerequisites.length) {
    out.result(`${out.c.bold('Prerequisites')} (labs to do first)`);
    for (const id of lab.prerequisites)
      out.result(`  - ${id}${(await titleOf(id, lang, ctx.env)) ?? ' (not among the labs lab finds)'}`);
    out.result('');
  }
  out.result(out.c.bold('Goals'));
  for (const g of lab.goals) out.result(`  - ${renderMarkdown(pick(g, lang), out.c)}`);
  out.result(`\n${out.c.bold('Defaults')} (override with lab up ${short} --<option>)`);
  const rows: [string, string][] = [
    ['replicas', `${d.replicas}  (--replicas)`],
    ['algorithm', `${lab.loadBalancer.algorithm}  (--algorithm)`],
    ['mode', `${lab.loadBalancer.mode}  (--mode http|tcp)`],
    ['sticky', `${d.sticky ? 'yes' : 'no'}  (--sticky)`],
    ['app', `http://localhost:${d.appPort}  (--app-port)`],
    [
      'stats',
      `http://localhost:${d.statsPort}  ${d.statsUser}:${d.statsPassword}  (--stats-port, --stats-user, --stats-password)`,
    ],
    [
      'images',
      [
        ...services.map((s) => `${services.length > 1 ? `${s.name}: ` : ''}${s.image}${s.build ? ' (built)' : ''}`),
        ...Object.entries(lab.backing ?? {}).map(([name, b]) => `${name}: ${b.image}`),
        lab.loadBalancer.image,
      ].join(', '),
    ],
    ...(services.length > 1
      ? [
          [
            'services',
            services.map((s) => `${s.name} ${s.replicas ?? d.replicas}x${s.path ? ` ${s.path}` : ''}`).join(', '),
          ] as [string, string],
        ]
      : []),
  ];
  for (const [k, v] of rows) out.result(`  ${k.padEnd(10)} ${v}`);
  out.result(`\n${out.c.bold('Checks')} (lab check ${short})`);
  if (lab.checks.length === 0) out.result('  (none)');
  for (const c of lab.checks) out.result(`  - ${c.name} [${c.kind}]${c.description ? `: ${c.description}` : ''}`);
  if (lab.tasks.length) out.result(`\n${out.c.bold('Tasks')} (lab tasks ${short}, lab grade ${short})`);
  for (const t of lab.tasks)
    out.result(
      `  - ${t.id}: ${pick(t.title, lang)}${t.needs.length ? out.c.dim(` (after ${t.needs.join(', ')})`) : ''}`,
    );
  if (lab.quiz.length) out.result(`\n${out.c.bold('Quiz')}: ${lab.quiz.length} question(s) (lab quiz ${short})`);
  out.result(out.c.dim(`\nStart it with: lab up ${short}`));
}

/** ": <title>" of another lab, or undefined when lab does not find it or it does not parse. */
async function titleOf(
  id: string,
  lang: Parameters<typeof pick>[1],
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  try {
    const { lab } = await readLabCached(findLab(id).file, env);
    return lab ? `: ${pick(lab.lab.title, lang)}` : undefined;
  } catch {
    return undefined;
  }
}
