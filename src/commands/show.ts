import { labServices } from '../core/services.ts';
import { loadLab } from '../config/labs.ts';
import type { Context } from '../cli/context.ts';
import { shortId } from '../core/lab-id.ts';
import { pick, pickLanguage } from '../core/localized.ts';

export async function show(ctx: Context, opts: { lab: string; lang?: string }): Promise<void> {
  const { lab, file } = loadLab(opts.lab);
  const lang = pickLanguage(opts.lang, ctx.env);
  const { out } = ctx;
  const d = lab.defaults;
  const services = labServices(lab);
  out.data({ outcome: 'success', file, lab });
  const short = shortId(lab.id);
  out.result(`${out.c.bold(`${lab.id}: ${pick(lab.title, lang)}`)}\n`);
  out.result(`${pick(lab.summary, lang)}\n`);
  out.result(out.c.bold('Goals'));
  for (const g of lab.goals) out.result(`  - ${pick(g, lang)}`);
  out.result(`\n${out.c.bold('Defaults')} (override with lab up ${short} --<option>)`);
  const rows: [string, string][] = [
    ['replicas', `${d.replicas}  (--replicas)`],
    ['algorithm', `${lab.loadBalancer.algorithm}  (--algorithm)`],
    ['mode', `${lab.loadBalancer.mode}  (--mode http|tcp)`],
    ['sticky', `${d.sticky ? 'yes' : 'no'}  (--sticky)`],
    ['app', `http://localhost:${d.appPort}  (--app-port)`],
    ['stats', `http://localhost:${d.statsPort}  ${d.statsUser}:${d.statsPassword}  (--stats-port, --stats-user, --stats-password)`],
    ['images', [...services.map((s) => `${services.length > 1 ? `${s.name}: ` : ''}${s.image}${s.build ? ' (built)' : ''}`), lab.loadBalancer.image].join(', ')],
    ...(services.length > 1 ? [['services', services.map((s) => `${s.name} ${s.replicas ?? d.replicas}x${s.path ? ` ${s.path}` : ''}`).join(', ')] as [string, string]] : []),
  ];
  for (const [k, v] of rows) out.result(`  ${k.padEnd(10)} ${v}`);
  out.result(`\n${out.c.bold('Checks')} (lab check ${short})`);
  if (lab.checks.length === 0) out.result('  (none)');
  for (const c of lab.checks) out.result(`  - ${c.name} [${c.kind}]${c.description ? `: ${c.description}` : ''}`);
  if (lab.tasks.length) out.result(`\n${out.c.bold('Tasks')} (lab tasks ${short}, lab grade ${short})`);
  for (const t of lab.tasks) out.result(`  - ${t.id}: ${pick(t.title, lang)}`);
  if (lab.quiz.length) out.result(`\n${out.c.bold('Quiz')}: ${lab.quiz.length} question(s) (lab quiz ${short})`);
  out.result(out.c.dim(`\nStart it with: lab up ${short}`));
}
