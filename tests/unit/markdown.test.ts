import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderMarkdown } from '../../src/core/markdown.ts';
import { plainPalette, type Palette } from '../../src/core/palette.ts';

/** Marks what each colour styled, so a test sees the styling without escape codes. */
const tagged: Palette = {
  green: (s) => `<g>${s}</g>`,
  red: (s) => `<r>${s}</r>`,
  yellow: (s) => `<y>${s}</y>`,
  cyan: (s) => `<c>${s}</c>`,
  dim: (s) => `<d>${s}</d>`,
  bold: (s) => `<b>${s}</b>`,
};

describe('renderMarkdown', () => {
  const cases: [string, string, string, string][] = [
    // name, Markdown, plain, styled
    ['bold', 'a **frontend** here', 'a frontend here', 'a <b>frontend</b> here'],
    ['code', 'run `lab apply 02` now', 'run lab apply 02 now', 'run <c>lab apply 02</c> now'],
    [
      'code keeps its <placeholders> and stars',
      '`server-template <prefix> **x**`',
      'server-template <prefix> **x**',
      '<c>server-template <prefix> **x**</c>',
    ],
    ['nested emphasis', '**bold *em* and `code`**', 'bold em and code', '<b>bold em and <c>code</c></b>'],
    ['italic alone', 'an *aside*', 'an aside', 'an aside'],
    [
      'link',
      'see [the docs](https://docs.haproxy.org)',
      'see the docs (https://docs.haproxy.org)',
      'see the docs (<c>https://docs.haproxy.org</c>)',
    ],
    [
      'bare URL once',
      'open http://localhost:8080/ twice',
      'open http://localhost:8080/ twice',
      'open <c>http://localhost:8080/</c> twice',
    ],
    ['inline HTML-like placeholder stays', 'up to <count> servers', 'up to <count> servers', 'up to <count> servers'],
    ['escaped marker', 'a \\*literal\\* star', 'a *literal* star', 'a *literal* star'],
    ['Japanese bold', '**検知** です', '検知 です', '<b>検知</b> です'],
    [
      'Japanese bold inside a sentence',
      'ヘルスチェックで**検知**します',
      'ヘルスチェックで検知します',
      'ヘルスチェックで<b>検知</b>します',
    ],
    [
      'line breaks kept, no re-wrap',
      '長い文章の\n続きです。`lab apply 02` で\n適用します。',
      '長い文章の\n続きです。lab apply 02 で\n適用します。',
      '長い文章の\n続きです。<c>lab apply 02</c> で\n適用します。',
    ],
    ['paragraphs', 'one\n\n\ntwo', 'one\n\ntwo', 'one\n\ntwo'],
    ['bullet list', 'Steps:\n\n- one **b**\n- two', 'Steps:\n\n- one b\n- two', 'Steps:\n\n- one <b>b</b>\n- two'],
    ['nested list', '- a\n  - b\n- c', '- a\n  - b\n- c', '- a\n  - b\n- c'],
    ['ordered list from 3', '3. x\n4. `y`', '3. x\n4. y', '3. x\n4. <c>y</c>'],
    [
      'list item over two lines',
      '- first line\n  second line',
      '- first line\n  second line',
      '- first line\n  second line',
    ],
    [
      'code block',
      'Write:\n\n```\nbackend app\n  server a a:80\n```',
      'Write:\n\n    backend app\n      server a a:80',
      'Write:\n\n    <c>backend app</c>\n    <c>  server a a:80</c>',
    ],
    [
      'a quote, a table and an HTML line print as written',
      '> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<count> servers',
      '> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<count> servers',
      '> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<count> servers',
    ],
    ['a line of dashes under text is a rule, not a heading', 'text\n---', 'text\n\n---', 'text\n\n---'],
    ['heading', '## Steps', 'Steps', '<b>Steps</b>'],
    ['trailing newline of a YAML block dropped', 'text\n', 'text', 'text'],
  ];
  it.each(cases)('%s', (_name, md, plain, styled) => {
    expect(renderMarkdown(md, plainPalette)).toBe(plain);
    expect(renderMarkdown(md, tagged)).toBe(styled);
  });

  it('every instruction, hint and quiz text of every built-in lab renders without ** or backticks', () => {
    const labs = join(import.meta.dirname, '../../labs');
    const texts: string[] = [];
    const collect = (t: unknown) => {
      if (typeof t === 'string') texts.push(t);
      else if (t && typeof t === 'object') for (const v of Object.values(t)) if (typeof v === 'string') texts.push(v);
    };
    for (const dir of readdirSync(labs).filter((d) => /^\d\d-/.test(d))) {
      const lab = parse(readFileSync(join(labs, dir, 'lab.yaml'), 'utf8')) as {
        tasks?: { instructions: unknown; hints?: unknown[] }[];
        quiz?: { question: unknown; options: Record<string, unknown>; explanation?: unknown }[];
      };
      for (const t of lab.tasks ?? []) [t.instructions, ...(t.hints ?? [])].forEach(collect);
      for (const q of lab.quiz ?? []) [q.question, ...Object.values(q.options), q.explanation].forEach(collect);
    }
    expect(texts.length).toBeGreaterThan(50);
    // A code span may hold a literal backtick or `**`: compare against the text without code spans.
    const bad = texts.filter((t) => /\*\*|`/.test(renderMarkdown(t.replace(/`[^`]*`/g, 'CODE'), plainPalette)));
    expect(bad).toEqual([]);
  });
});
