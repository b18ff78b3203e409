import { stripVTControlCharacters } from 'node:util';
import { plainPalette, type Palette } from './palette.ts';
import type { DistributionResult } from './verdicts.ts';
import type { ServerState } from './haproxy-servers.ts';
import { type Catalog, en } from '../i18n/en.ts';

/** Width as the terminal shows it: escape codes take no columns. */
/** East Asian wide characters (CJK, kana, full-width forms) take two terminal columns. */
const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/g;
const width = (s: string) => {
  const plain = stripVTControlCharacters(s);
  return plain.length + (plain.match(WIDE)?.length ?? 0);
};
const NUMERIC = /^[-+]?\d[\d,.]*%?$/;

/**
 * A plain text table: two spaces between columns, a rule under the header. A column whose body
 * cells are all numbers (or empty) is right-aligned so digits line up.
 */
export function renderTable(rows: readonly (readonly string[])[], header: readonly string[]): string {
  const columns = Math.max(header.length, ...rows.map((r) => r.length));
  const cellAt = (row: readonly string[], i: number) => row[i] ?? '';
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.max(width(cellAt(header, i)), ...rows.map((r) => width(cellAt(r, i)))),
  );
  const numeric = Array.from({ length: columns }, (_, i) => {
    const cells = rows.map((r) => stripVTControlCharacters(cellAt(r, i))).filter((c) => c !== '');
    return cells.length > 0 && cells.every((c) => NUMERIC.test(c));
  });
  const line = (row: readonly string[]) =>
    widths
      .map((w, i) => {
        const cell = cellAt(row, i);
        const pad = ' '.repeat(w - width(cell));
        return numeric[i] ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Partial blocks for 1/8 … 7/8 of a character cell. */
const EIGHTHS = ['▏', '▎', '▍', '▌', '▋', '▊', '▉'] as const;

/** A horizontal bar of `value / max` over `width` cells, at 1/8-cell resolution. Not padded. */
export function bar(value: number, max: number, width: number): string {
  if (!(max > 0) || !(value > 0) || !(width > 0)) return '';
  const eighths = Math.round(Math.min(value / max, 1) * width * 8);
  const partial = eighths % 8;
  return '█'.repeat(Math.floor(eighths / 8)) + (partial > 0 ? (EIGHTHS[partial - 1] ?? '') : '');
}

const BAR_WIDTH = 20;

function paintState(state: ServerState, c: Palette): string {
  if (state === 'UP') return c.green(state);
  if (state === 'DOWN') return c.red(state);
  if (state === 'EMPTY') return c.dim(state);
  return c.yellow(state); // MAINT, DRAIN, NOLB: taken out on purpose, worth a look
}

/** The per-replica table of a distribution check, then the expectation and the verdict. */
export function renderDistribution(result: DistributionResult, c: Palette = plainPalette): string {
  const withClient = result.rows.some((r) => r.client !== undefined);
  const max = Math.max(0, ...result.rows.map((r) => r.requests));
  const header = ['server', 'requests', ...(withClient ? ['seen by client'] : []), 'share', '', 'state'];
  const rows = result.rows.map((r) => [
    r.name,
    String(r.requests),
    ...(withClient ? [String(r.client ?? 0)] : []),
    `${(r.share * 100).toFixed(1)}%`,
    bar(r.requests, max, BAR_WIDTH),
    paintState(r.state, c),
  ]);
  const verdict = result.verdict === 'PASS' ? c.bold(c.green('PASS')) : c.bold(c.red('FAIL'));
  return [renderTable(rows, header), '', c.dim(`expected: ${result.expectation}`), `${verdict} ${result.reason}`].join(
    '\n',
  );
}

/**
 * After `lab up` of a student-mode lab: its tasks are the next step, not lab's own checks (a
 * starter may have no backend yet, so nothing is spread). Pure.
 */
export function tryNextStudent(
  short: string,
  project: string,
  defaultProject: string,
  c: Pick<Palette, 'dim'> = plainPalette,
  m: Catalog['up'] = en.up,
): string[] {
  const ref = project === defaultProject ? short : `${short} -p ${project}`;
  const cmd = (text: string, why: string) => `  ${`${text} `.padEnd(28)}${c.dim(`# ${why}`)}`;
  return [
    m.tryNext,
    cmd(`lab tasks ${ref}`, m.whyTasks),
    cmd(`lab apply ${ref}`, m.whyApply),
    cmd(`lab hint ${ref}`, m.whyHint),
    cmd(`lab grade ${ref}`, m.whyGrade),
    cmd(`lab down ${ref}`, m.whyDown),
  ];
}

/**
 * The "Try next" commands after `lab up`, each with the -p the lab was started with (without it
 * they would act on another project). Pure.
 */
export function tryNext(
  short: string,
  project: string,
  defaultProject: string,
  replicas: number | readonly { service: string; replicas: number }[],
  appUrl: string,
  c: Pick<Palette, 'dim'> = plainPalette,
): string[] {
  const ref = project === defaultProject ? short : `${short} -p ${project}`;
  // Several services scale one at a time, by name (lab scale 09 web=4).
  const counts = typeof replicas === 'number' ? [{ service: '', replicas }] : replicas;
  const first = counts[0] ?? { service: '', replicas: 1 };
  const scaleTo = `${counts.length > 1 ? `${first.service}=` : ''}${Math.min(first.replicas + 2, 100)}`;
  // At least one space before the comment: a long -p must not run into it (`-p labtest-3819-03# …`).
  const cmd = (text: string, why: string) => `  ${`${text} `.padEnd(28)}${c.dim(`# ${why}`)}`;
  return [
    'Try next:',
    `  curl -s ${appUrl}        ${c.dim('# again and again: the replica changes')}`,
    cmd(`lab status ${ref}`, "containers and HAProxy's view of them"),
    cmd(`lab check ${ref}`, 'prove the traffic is spread'),
    cmd(`lab scale ${ref} ${scaleTo}`, 'scale out, live'),
    cmd(`lab down ${ref}`, 'remove everything'),
  ];
}
