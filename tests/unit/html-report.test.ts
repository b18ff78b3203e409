/**
 * The HTML report's pure core: SVG charts (core/svg-charts.ts), the timeline from HAProxy's
 * stats (core/stats-timeline.ts), the configuration view and the whole page (core/html-report.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ReportModel, renderHtmlReport } from '../../src/core/html-report.ts';
import { parseStatsCsv, type StatsRow } from '../../src/core/haproxy-stats.ts';
import { runningConfigView } from '../../src/core/running-config.ts';
import { statsTimeline } from '../../src/core/stats-timeline.ts';
import { barChart, escapeXml, type Mark, niceMax, type Second, timelineChart } from '../../src/core/svg-charts.ts';

const rows = parseStatsCsv(readFileSync(new URL('../fixtures/stats/haproxy-3.0-http.csv', import.meta.url), 'utf8'));
const count = (svg: string, cls: string) => svg.match(new RegExp(`<rect class="${cls}[" ]`, 'g'))?.length ?? 0;

describe('escapeXml', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['a & b', 'a &amp; b'],
    ['"x" \'y\'', '&quot;x&quot; &#39;y&#39;'],
    ['app1 サーバー', 'app1 サーバー'],
  ])('%s', (raw, escaped) => expect(escapeXml(raw)).toBe(escaped));
});

describe('niceMax', () => {
  it.each([
    [0, 1],
    [1, 1],
    [7, 10],
    [12, 20],
    [48, 50],
    [101, 200],
    [5000, 5000],
  ])('%d → %d', (max, top) => expect(niceMax(max)).toBe(top));
});

describe('barChart', () => {
  it.each([0, 1, 3, 50])('draws one bar per server (%d servers)', (n) => {
    const svg = barChart(
      Array.from({ length: n }, (_, i) => ({ label: `app${i + 1}`, value: i * 10 })),
      'requests',
    );
    expect(count(svg, 'bar')).toBe(n);
  });

  it('paints a server that is not UP as a warning and scales the tallest bar to the axis top', () => {
    const svg = barChart(
      [
        { label: 'app1', value: 40, note: 'UP' },
        { label: 'app2', value: 20, note: 'DOWN' },
      ],
      'requests',
    );
    expect(count(svg, 'bar warn')).toBe(1);
    expect(svg).toContain('>50</text>'); // niceMax(40)
    expect(svg).toMatchSnapshot();
  });

  it('escapes server names and the title', () => {
    const svg = barChart([{ label: '<script>x</script>', value: 1, note: '<b>' }], '"t" <i>');
    expect(svg).not.toMatch(/<script|<b>|<i>/);
    expect(svg).toContain('&lt;script&gt;x&lt;/script&gt;');
  });
});

describe('timelineChart', () => {
  const seconds: Second[] = [0, 1, 2, 3, 4, 5].map((t) => ({
    t,
    requests: t === 3 ? 30 : 50,
    failed: t === 2 || t === 3 ? 4 : 0,
  }));
  const marks: Mark[] = [
    { t: 1.6, kind: 'fault', label: 'fault', detail: 'killed app-2' },
    { t: 2.4, kind: 'down', label: 'DOWN' },
    { t: 4.2, kind: 'up', label: 'UP' },
  ];

  it.each([
    ['no seconds', [], [], 0, 0, 0],
    ['a quiet run', seconds.map((s) => ({ ...s, failed: 0 })), [], 6, 0, 0],
    ['a drill', seconds, marks, 6, 2, 3],
  ] as const)(
    '%s: a bar per second, a red bar per second with failures, a line per mark',
    (_name, s, m, rps, failed, lines) => {
      const svg = timelineChart(s, m, 'timeline');
      expect(count(svg, 'rps')).toBe(rps);
      expect(count(svg, 'failed')).toBe(failed);
      expect(svg.match(/<g class="mark /g)?.length ?? 0).toBe(lines);
    },
  );

  it('draws a drill', () => expect(timelineChart(seconds, marks, 'timeline')).toMatchSnapshot());
});

/** The fixture with each server's request counter and status changed. */
const at = (atMs: number, servers: Record<string, { req: number; status?: string }>, fe5xx = 0) => ({
  atMs,
  rows: rows.map((r): StatsRow => {
    if (r.pxname === 'web' && r.svname === 'FRONTEND') return { ...r, hrsp5xx: fe5xx };
    const s = servers[r.svname];
    return r.pxname === 'app' && s ? { ...r, reqTot: s.req, status: s.status ?? r.status } : r;
  }),
});

describe('statsTimeline', () => {
  it('gives requests and failures per second, state changes, and what each server served', () => {
    const tl = statsTimeline(
      [
        at(0, { app1: { req: 10 }, app2: { req: 10 } }),
        at(1000, { app1: { req: 30 }, app2: { req: 30 } }),
        at(2000, { app1: { req: 55 }, app2: { req: 32, status: 'DOWN' } }, 3),
        // Read late: two seconds' worth, shown per second.
        at(4000, { app1: { req: 95 }, app2: { req: 32, status: 'UP' } }, 3),
      ],
      'http',
    );
    expect(tl.seconds).toEqual([
      { t: 0, requests: 40, failed: 0 },
      { t: 1, requests: 24, failed: 3 },
      { t: 2, requests: 20, failed: 0 },
    ]);
    expect(tl.marks).toEqual([
      { t: 2, kind: 'down', label: 'app2 DOWN' },
      { t: 4, kind: 'up', label: 'app2 UP' },
    ]);
    // app5 and up are empty server-template slots (MAINT (resolution)): no bar for them.
    expect(tl.perServer.map((s) => s.name)).toEqual(['app1', 'app2', 'app3', 'app4']);
    expect(tl.perServer.filter((s) => s.requests > 0)).toEqual([
      { name: 'app1', requests: 85, state: 'UP' },
      { name: 'app2', requests: 22, state: 'UP' },
    ]);
  });

  it.each([[[]], [[at(0, {})]]])('has no seconds with fewer than two samples', (samples) => {
    expect(statsTimeline(samples, 'http').seconds).toEqual([]);
  });
});

describe('runningConfigView', () => {
  it('reads the settings and servers from HAProxy, notes where it differs from lab.json', () => {
    const v = runningConfigView({ algorithm: 'leastconn', mode: 'http', sticky: false }, rows, 'abc123');
    expect(v.source).toBe("HAProxy's stats");
    expect(v.settings).toContainEqual({ name: 'balance', value: 'roundrobin' });
    expect(v.settings).toContainEqual({ name: 'config id', value: 'abc123' });
    expect(v.differences).toEqual(['HAProxy runs balance roundrobin, lab.json says leastconn']);
    expect(v.servers.map((s) => s.name)).toEqual(['app1', 'app2', 'app3', 'app4']);
    expect(v.servers[0]).toEqual({ name: 'app1', state: 'UP', weight: '1', check: 'L7OK', role: 'active' });
  });
});

const model = (over: Partial<ReportModel> = {}): ReportModel => ({
  labId: '07-failover',
  labTitle: 'Failover',
  command: 'lab check 07 --failover',
  project: 'lab-07-failover',
  generatedAt: '2026-11-29T10:00:00Z',
  lang: 'en',
  config: runningConfigView({ algorithm: 'roundrobin', mode: 'http', sticky: false }, rows, 'abc123'),
  results: [
    {
      name: 'detect-fast [failover]',
      verdict: 'PASS',
      reason: 'out in 1.0 s, 1 failed',
      details: ['  +0.0s  load  load started'],
    },
    { name: 'backup [failover]', verdict: 'FAIL', reason: 'no backup served' },
  ],
  perServer: [
    { label: 'app1', value: 120, note: 'UP' },
    { label: 'app2', value: 80, note: 'DOWN' },
  ],
  timeline: {
    seconds: [
      { t: 0, requests: 50, failed: 0 },
      { t: 1, requests: 40, failed: 5 },
    ],
    marks: [{ t: 0.8, kind: 'fault', label: 'fault' }],
  },
  ...over,
});

describe('renderHtmlReport', () => {
  it('is one self-contained page: no script, nothing loaded from elsewhere', () => {
    const html = renderHtmlReport(model());
    expect(html).not.toMatch(/<script|<link|<iframe|<img|\bsrc=|@import|url\(/i);
    // The only URL is the SVG namespace (an identifier, never fetched).
    expect(html.match(/https?:\/\/[^"]+/g)).toEqual(['http://www.w3.org/2000/svg', 'http://www.w3.org/2000/svg']);
    expect(html).toContain("default-src 'none'");
    expect(html).toMatchSnapshot();
  });

  it.each([
    ['the lab title', { labTitle: '<script>alert(1)</script>' }],
    ['a server name', { perServer: [{ label: '<script>alert(1)</script>', value: 1 }] }],
    ['a reason', { results: [{ name: 'x', verdict: 'FAIL' as const, reason: '</td><script>alert(1)</script>' }] }],
    [
      'a mark',
      {
        timeline: {
          seconds: [{ t: 0, requests: 1, failed: 0 }],
          marks: [{ t: 0, kind: 'note' as const, label: '<script>alert(1)</script>' }],
        },
      },
    ],
    ['the command', { command: 'lab check "><script>alert(1)</script>' }],
  ])('escapes %s', (_what, over) => {
    const html = renderHtmlReport(model(over));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it.each([
    ['en', 'Requests per server', 'lang="en"'],
    ['ja', 'サーバーごとのリクエスト数', 'lang="ja"'],
  ] as const)('labels in %s', (lang, heading, attr) => {
    const html = renderHtmlReport(model({ lang }));
    expect(html).toContain(heading);
    expect(html).toContain(attr);
  });

  it('says so when nothing was sampled or counted', () => {
    const html = renderHtmlReport(model({ timeline: undefined, perServer: [] }));
    expect(html).toContain('No timeline');
    expect(html).toContain('No requests were counted');
    expect(html).not.toContain('class="rps"');
  });
});
