import { page, reportText } from '../html-report.ts';
import type { Language } from '../localized.ts';
import { barChart, escapeXml as esc } from '../svg-charts.ts';
import { classHeadline, classSummary, hintsText, type MachineGrade, quizText, studentNote } from './class-grade.ts';

/**
 * The class view (`lab grade <lab> --hosts room.txt --html class.html`): how many machines passed
 * each task (a bar per task), then machines × tasks with each cell's reason on hover. Pure; one
 * self-contained page like the student's report (core/html-report.ts), every text escaped:
 * machine names come from the hosts file, reasons from the machines.
 */
export interface ClassView {
  labId: string;
  labTitle: string;
  /** Task ids with their titles, in the lab file's order. */
  tasks: { id: string; title: string }[];
  machines: readonly MachineGrade[];
  generatedAt: string;
  lang: Language;
}

const HEAD = {
  en: {
    passing: 'Machines passing each task',
    machines: 'Machines',
    machine: 'machine',
    score: 'score',
    hints: 'hints',
    quiz: 'quiz',
    note: 'note',
    error: 'not graded',
  },
  ja: {
    passing: '課題ごとの合格マシン数',
    machines: 'マシン',
    machine: 'マシン',
    score: '得点',
    hints: 'ヒント',
    quiz: 'クイズ',
    note: '備考',
    error: '採点できず',
  },
} as const;

const CELL = { pass: 'PASS', solved: 'SOLVED', fail: 'FAIL', locked: 'LOCKED' } as const;

export function renderClassHtml(v: ClassView): string {
  const h = HEAD[v.lang];
  const taskIds = v.tasks.map((t) => t.id);
  const s = classSummary(v.machines, taskIds);
  const bars = s.tasks.map((t) => ({ label: t.id, value: t.passed }));
  const header = `<tr><th>${h.machine}</th>${v.tasks.map((t) => `<th title="${esc(t.title)}">${esc(t.id)}</th>`).join('')}<th>${h.score}</th><th>${h.hints}</th><th>${h.quiz}</th><th>${h.note}</th></tr>`;
  const rows = v.machines.map((m) =>
    m.error
      ? `<tr><td>${esc(m.name)}</td>${taskIds.map(() => '<td>-</td>').join('')}<td class="fail">${h.error}</td><td></td><td></td><td>${esc(m.error.message)}${m.error.hint ? `<br><span class="meta">${esc(m.error.hint)}</span>` : ''}</td></tr>`
      : `<tr><td>${esc(m.name)}</td>${m.tasks.map((t) => `<td class="${t.status}" title="${esc(t.reason)}">${CELL[t.status]}</td>`).join('')}<td>${m.passed}/${m.total} (${m.score}%)</td><td>${esc(hintsText(m))}</td><td>${esc(quizText(m))}</td><td>${esc(studentNote(m))}</td></tr>`,
  );
  const body = [
    `<header><h1>${esc(v.labTitle)}</h1><p class="meta">${esc(v.labId)} · ${reportText(v.lang).at} ${esc(v.generatedAt)}</p><p class="score">${esc(classHeadline(v.machines, taskIds))}</p></header>`,
    `<section><h2>${h.passing}</h2>${barChart(bars, `${h.passing} (${s.machines})`)}</section>`,
    `<section><h2>${h.machines}</h2><table class="results class"><thead>${header}</thead><tbody>${rows.join('')}</tbody></table></section>`,
  ];
  return page(`${v.labTitle} — class`, v.lang, body.join('\n'));
}
