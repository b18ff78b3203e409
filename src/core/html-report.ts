import type { Language } from './localized.ts';
import { type Bar, barChart, escapeXml as esc, type Mark, type Second, timelineChart } from './svg-charts.ts';

/**
 * The report a student keeps (`lab report`, and --html on check, load, rollout, chaos): one
 * self-contained HTML file with the lab, the configuration HAProxy ran, each result, and the
 * charts. Pure: commands build a ReportModel, cli/html-report.ts writes the file. No secret goes
 * in (the model has no field for the stats password), and every text is escaped.
 */
export interface ReportModel {
  /** e.g. "03-round-robin". */
  labId: string;
  labTitle: string;
  /** The command that produced it, e.g. "lab check 03 --failover". */
  command: string;
  project: string;
  /** ISO time the report was made. */
  generatedAt: string;
  lang: Language;
  /** What HAProxy ran, read from HAProxy (its stats and the config id it serves). */
  config?: RunningConfigView | undefined;
  results: ResultView[];
  /** Requests per server over the run, with each server's last state. */
  perServer: Bar[];
  /** Requests and failures per second, with faults and state changes; absent when nothing was sampled. */
  timeline?: { seconds: Second[]; marks: Mark[] } | undefined;
  /** Lines of numbers worth keeping (sent, failed, p95…). */
  summary?: string[] | undefined;
}

export interface RunningConfigView {
  /** Where the settings come from: HAProxy's stats, or lab.json when the stats don't say. */
  source: string;
  settings: { name: string; value: string }[];
  /** Ways HAProxy's running configuration differs from what lab wrote. */
  differences: string[];
  servers: { name: string; state: string; weight: string; check: string; role: string }[];
}

export interface ResultView {
  name: string;
  verdict: 'PASS' | 'FAIL' | 'LOCKED' | 'SKIP';
  reason: string;
  /** The check's own report lines (a table, a timeline), plain text. */
  details?: string[] | undefined;
}

const TEXT = {
  en: {
    config: 'Configuration HAProxy ran',
    results: 'Results',
    perServer: 'Requests per server',
    timeline: 'Requests per second, failures, faults and state changes',
    summary: 'Summary',
    source: 'read from',
    differs: 'differs from the lab file',
    server: 'server',
    state: 'state',
    weight: 'weight',
    check: 'check',
    role: 'role',
    name: 'name',
    verdict: 'verdict',
    reason: 'reason',
    none: 'No requests were counted.',
    noTimeline: 'No timeline: nothing was sampled during this run.',
    made: 'made by',
    at: 'at',
    project: 'project',
    passed: 'passed',
    ok: 'ok',
    failed: 'failed',
  },
  ja: {
    config: 'HAProxy が実行した設定',
    results: '結果',
    perServer: 'サーバーごとのリクエスト数',
    timeline: '毎秒のリクエスト数・失敗・障害・状態の変化',
    summary: '要約',
    source: '取得元',
    differs: 'ラボファイルとの違い',
    server: 'サーバー',
    state: '状態',
    weight: '重み',
    check: 'ヘルスチェック',
    role: '役割',
    name: '名前',
    verdict: '判定',
    reason: '理由',
    none: 'リクエストは数えられませんでした。',
    noTimeline: 'タイムラインなし: この実行中は計測していません。',
    made: '作成',
    at: '日時',
    project: 'プロジェクト',
    passed: '合格',
    ok: '成功',
    failed: '失敗',
  },
} as const;

export type ReportText = { [K in keyof (typeof TEXT)['en']]: string };
export const reportText = (lang: Language): ReportText => TEXT[lang];

/** The whole file. */
export function renderHtmlReport(m: ReportModel): string {
  const t = reportText(m.lang);
  const passed = m.results.filter((r) => r.verdict === 'PASS').length;
  const body = [
    `<header><h1>${esc(m.labTitle)}</h1><p class="meta">${esc(m.labId)} · ${t.project} ${esc(m.project)} · ${t.made} <code>${esc(m.command)}</code> · ${t.at} ${esc(m.generatedAt)}</p></header>`,
    m.results.length
      ? section(
          t.results,
          `<p class="score">${passed} / ${m.results.length} ${t.passed}</p>${resultsTable(m.results, t)}`,
        )
      : '',
    m.summary?.length ? section(t.summary, `<pre>${esc(m.summary.join('\n'))}</pre>`) : '',
    section(t.perServer, m.perServer.length ? barChart(m.perServer, t.perServer) : `<p>${t.none}</p>`),
    section(
      t.timeline,
      m.timeline?.seconds.length
        ? `${timelineChart(m.timeline.seconds, m.timeline.marks, t.timeline)}${legend(t)}`
        : `<p>${t.noTimeline}</p>`,
    ),
    m.config ? section(t.config, configView(m.config, t)) : '',
  ];
  return page(`${m.labTitle} — ${m.command}`, m.lang, body.join('\n'));
}

const section = (title: string, inner: string) => `<section><h2>${esc(title)}</h2>${inner}</section>`;

const VERDICT_CLASS = { PASS: 'pass', FAIL: 'fail', LOCKED: 'locked', SKIP: 'locked' } as const;

function resultsTable(results: readonly ResultView[], t: ReportText): string {
  const rows = results.map((r) => {
    const details = r.details?.length
      ? `<details><summary>…</summary><pre>${esc(r.details.join('\n'))}</pre></details>`
      : '';
    return `<tr><td>${esc(r.name)}</td><td class="${VERDICT_CLASS[r.verdict]}">${r.verdict}</td><td>${esc(r.reason)}${details}</td></tr>`;
  });
  return `<table class="results"><thead><tr><th>${t.name}</th><th>${t.verdict}</th><th>${t.reason}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function configView(c: RunningConfigView, t: ReportText): string {
  const settings = c.settings
    .map((s) => `<tr><th>${esc(s.name)}</th><td><code>${esc(s.value)}</code></td></tr>`)
    .join('');
  const differences = c.differences.length
    ? `<p class="fail">${t.differs}:</p><ul>${c.differences.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>`
    : '';
  const servers = c.servers
    .map(
      (s) =>
        `<tr><td>${esc(s.name)}</td><td>${esc(s.state)}</td><td>${esc(s.weight)}</td><td>${esc(s.check)}</td><td>${esc(s.role)}</td></tr>`,
    )
    .join('');
  return [
    `<p class="meta">${t.source} ${esc(c.source)}</p>`,
    `<table class="settings">${settings}</table>`,
    differences,
    servers
      ? `<table class="servers"><thead><tr><th>${t.server}</th><th>${t.state}</th><th>${t.weight}</th><th>${t.check}</th><th>${t.role}</th></tr></thead><tbody>${servers}</tbody></table>`
      : '',
  ].join('');
}

const legend = (t: ReportText) =>
  `<p class="legend"><span class="sw rps"></span>${t.ok} <span class="sw failed"></span>${t.failed} <span class="sw fault"></span>fault <span class="sw down"></span>DOWN <span class="sw up"></span>UP</p>`;

/** Inline CSS only: the file must look the same opened from a USB stick with no network. */
const CSS = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans CJK JP",sans-serif;margin:0 auto;max-width:900px;padding:16px 24px;color:#1d2430;background:#fff}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.15em;border-bottom:1px solid #dde;padding-bottom:4px;margin-top:1.6em}
.meta{color:#5b6372;font-size:.9em}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.88em}
pre{background:#f5f6f8;padding:8px;overflow-x:auto}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eef;vertical-align:top}
.pass{color:#17803d;font-weight:600}.solved{color:#9a6700;font-weight:600}.fail{color:#c0262d;font-weight:600}.locked{color:#777}.score{font-size:1.1em;font-weight:600}
svg.chart{max-width:100%;height:auto;font:11px system-ui,sans-serif}
.chart .axis{stroke:#889;stroke-width:1}.chart .tick{fill:#667}.chart .bar{fill:#2f6fd6}.chart .bar.warn{fill:#d98a00}
.chart .value{fill:#1d2430}.chart .label{fill:#1d2430}.chart .note{fill:#17803d}.chart .note.warn{fill:#c0262d}
.chart .rps{fill:#7aa7ea}.chart .failed{fill:#d83a3a}.chart .mark line{stroke-width:1.5;stroke-dasharray:4 3;stroke:#888}
.chart .mark text{fill:#333}.chart .mark-fault line,.chart .mark-cleared line{stroke:#d98a00}.chart .mark-down line{stroke:#c0262d}.chart .mark-up line{stroke:#17803d}
.legend .sw{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
.sw.rps{background:#7aa7ea}.sw.failed{background:#d83a3a}.sw.fault{background:#d98a00}.sw.down{background:#c0262d}.sw.up{background:#17803d}
`;

/** A complete HTML page around `body`: inline CSS, no script, a CSP that forbids loading anything. */
export const page = (title: string, lang: Language, body: string): string =>
  `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
