/**
 * The HTML report's charts, drawn as inline SVG (no script, no font, no network: the file opens
 * anywhere). Pure: the same data gives the same markup, so the charts are snapshot-tested.
 * Every text that comes from a lab, a server or HAProxy goes through escapeXml.
 */

/** Text for an XML/HTML text node or a double-quoted attribute. */
export const escapeXml = (s: string): string =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

export interface Bar {
  label: string;
  value: number;
  /** A state shown under the label (UP, DOWN…); a state other than UP paints the bar as a warning. */
  note?: string | undefined;
}

const num = (n: number): string => String(Math.round(n * 10) / 10);

/** A "nice" axis top at or above max: 1, 2 or 5 times a power of ten. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= max) ?? 10 * p;
}

/** Requests per server: one `<rect class="bar">` per server, its count above, its name below. */
export function barChart(bars: readonly Bar[], title: string, width = 860, height = 240): string {
  const top = 24;
  const bottom = 44;
  const left = 44;
  const plotH = height - top - bottom;
  const plotW = width - left - 8;
  const max = niceMax(Math.max(0, ...bars.map((b) => b.value)));
  const slot = plotW / Math.max(1, bars.length);
  const barW = Math.min(64, slot * 0.7);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const body = bars.map((b, i) => {
    const x = left + i * slot + (slot - barW) / 2;
    const h = Math.max(0, (b.value / max) * plotH);
    const warn = b.note !== undefined && b.note !== 'UP' ? ' warn' : '';
    return [
      `<rect class="bar${warn}" x="${num(x)}" y="${num(y(b.value))}" width="${num(barW)}" height="${num(h)}"><title>${escapeXml(`${b.label}: ${b.value}`)}</title></rect>`,
      `<text class="value" x="${num(x + barW / 2)}" y="${num(y(b.value) - 4)}" text-anchor="middle">${b.value}</text>`,
      `<text class="label" x="${num(x + barW / 2)}" y="${num(top + plotH + 16)}" text-anchor="middle">${escapeXml(b.label)}</text>`,
      ...(b.note
        ? [
            `<text class="note${warn}" x="${num(x + barW / 2)}" y="${num(top + plotH + 32)}" text-anchor="middle">${escapeXml(b.note)}</text>`,
          ]
        : []),
    ].join('');
  });
  return svg(width, height, title, [...axis(left, top, plotW, plotH, max), ...body]);
}

/** One second of a run: requests answered and requests failed in it. */
export interface Second {
  /** Seconds since the run started (the bucket's start). */
  t: number;
  requests: number;
  failed: number;
}

const MARK_KINDS = ['fault', 'down', 'up', 'cleared', 'state', 'note'] as const;
type MarkKind = (typeof MARK_KINDS)[number];

/** A moment on the timeline: a fault injected or cleared, a server changing state. */
export interface Mark {
  /** Seconds since the run started. */
  t: number;
  kind: MarkKind;
  label: string;
  /** Longer text for the tooltip. */
  detail?: string | undefined;
}

/**
 * Requests per second (a `<rect class="rps">` per second) with the failed ones stacked on top in
 * red (`<rect class="failed">`), and a dashed line per mark labelled with what happened.
 */
export function timelineChart(
  seconds: readonly Second[],
  marks: readonly Mark[],
  title: string,
  width = 860,
  height = 260,
): string {
  const top = 24;
  const bottom = 28;
  const left = 44;
  const plotH = height - top - bottom;
  const plotW = width - left - 8;
  const span = Math.max(1, ...seconds.map((s) => s.t + 1), ...marks.map((m) => Math.ceil(m.t)));
  const max = niceMax(Math.max(0, ...seconds.map((s) => s.requests + s.failed)));
  const x = (t: number) => left + (t / span) * plotW;
  const y = (v: number) => top + plotH - (v / max) * plotH;
  // Each bar reaches the next second's start: samples read late leave no gap.
  const end = (i: number) => seconds[i + 1]?.t ?? seconds[i]!.t + 1;
  const bars = seconds.flatMap((s, i) => {
    const w = num(Math.max(1, x(end(i)) - x(s.t) - 1));
    return [
      `<rect class="rps" x="${num(x(s.t))}" y="${num(y(s.requests))}" width="${w}" height="${num(top + plotH - y(s.requests))}"><title>${escapeXml(`+${s.t}s: ${s.requests} ok/s, ${s.failed} failed/s`)}</title></rect>`,
      ...(s.failed > 0
        ? [
            `<rect class="failed" x="${num(x(s.t))}" y="${num(y(s.requests + s.failed))}" width="${w}" height="${num(y(s.requests) - y(s.requests + s.failed))}"/>`,
          ]
        : []),
    ];
  });
  // Labels alternate between two rows so marks a moment apart stay readable.
  // A label in the right third reads leftwards, so it is not cut off at the edge.
  const lines = marks.map((m, i) => {
    const right = x(m.t) > left + (plotW * 2) / 3;
    const label = `<text x="${num(x(m.t) + (right ? -3 : 3))}" y="${top + 10 + (i % 2) * 12}"${right ? ' text-anchor="end"' : ''}>${escapeXml(m.label)}</text>`;
    return `<g class="mark mark-${m.kind}"><line x1="${num(x(m.t))}" y1="${top}" x2="${num(x(m.t))}" y2="${top + plotH}"/>${label}<title>${escapeXml(`+${m.t.toFixed(1)}s ${m.detail ?? m.label}`)}</title></g>`;
  });
  const step = Math.ceil(span / 10);
  const ticks = Array.from({ length: Math.floor(span / step) + 1 }, (_, i) => i * step);
  const xAxis = ticks.map(
    (t) => `<text class="tick" x="${num(x(t))}" y="${top + plotH + 16}" text-anchor="middle">${t}s</text>`,
  );
  return svg(width, height, title, [...axis(left, top, plotW, plotH, max), ...bars, ...lines, ...xAxis]);
}

function axis(left: number, top: number, plotW: number, plotH: number, max: number): string[] {
  return [
    `<line class="axis" x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}"/>`,
    `<line class="axis" x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}"/>`,
    `<text class="tick" x="${left - 4}" y="${top + 4}" text-anchor="end">${max}</text>`,
    `<text class="tick" x="${left - 4}" y="${top + plotH}" text-anchor="end">0</text>`,
  ];
}

const svg = (width: number, height: number, title: string, parts: readonly string[]): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title>${parts.join('')}</svg>`;
