import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isPair, isScalar, LineCounter, parse, parseDocument, visit } from 'yaml';
import { ja } from '../../src/i18n/ja.ts';
import { rendered } from '../helpers/catalog-samples.ts';

/**
 * The Japanese a student reads keeps to the course's glossary (labs/glossary.yaml, issue #25):
 * no avoided form appears, and a Japanese sentence puts its asides in full-width （）, not (…).
 * Checked: every string of labs/<id>/lab.yaml a Japanese locale shows (ja fields, and plain
 * strings with Japanese in them; the glossary also covers Japanese words quoted in en fields),
 * the comments of the starter, solution and variant .cfg files, templates/, and what lab itself
 * prints in Japanese (src/i18n/ja.ts, each message rendered with sample params).
 */

const root = join(import.meta.dirname, '..', '..');

interface Avoid {
  form: string;
  why: string;
}
interface Term {
  id: string;
  en: string;
  ja: string;
  source: 'course' | 'style' | 'labs';
  avoid: Avoid[];
}

const glossary = parse(readFileSync(join(root, 'labs', 'glossary.yaml'), 'utf8')) as { terms: Term[] };

/** Kana and kanji: a run of them is Japanese text. */
const JAPANESE = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}ー]/u;

/** One avoided form as a pattern: a katakana form is not matched where its long vowel follows (サーバ in サーバー). */
function pattern(form: string): RegExp {
  const escaped = form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const katakanaEnd = /\p{Script=Katakana}$/u.test(form);
  return new RegExp(katakanaEnd ? `${escaped}(?!ー)` : escaped, 'gu');
}

const rules = glossary.terms.flatMap((t) => t.avoid.map((a) => ({ term: t, avoid: a, re: pattern(a.form) })));

interface Text {
  /** Repository-relative file. */
  file: string;
  /** The text as it stands in the file, and the offset of its first character. */
  source: string;
  start: number;
  /** Japanese text (parentheses rule applies), or a Japanese word quoted in English text. */
  japanese: boolean;
  /** Maps an offset of the file to its 1-based line. */
  line: (offset: number) => number;
}

function lineOf(src: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < src.length; i++) if (src[i] === '\n') starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** The strings of a lab file a student reads, with where they stand. */
function yamlTexts(file: string): Text[] {
  const raw = readFileSync(join(root, file), 'utf8');
  // templates/ hold @PLACEHOLDERS@, which YAML reserves: same-length stand-ins keep the offsets.
  const src = raw.replace(/@([A-Z_]+)@/g, (_m, name: string) => `x${name}x`);
  const doc = parseDocument(src, { lineCounter: new LineCounter() });
  expect(doc.errors, `${file} parses`).toEqual([]);
  const line = lineOf(src);
  const texts: Text[] = [];
  visit(doc, {
    Scalar(key, node, path) {
      if (key === 'key' || typeof node.value !== 'string' || !node.range) return;
      const parent = path[path.length - 1];
      const field = isPair(parent) && isScalar(parent.key) ? String(parent.key.value) : undefined;
      const source = src.slice(node.range[0], node.range[1]);
      if (!JAPANESE.test(source)) return;
      const grand = path[path.length - 2];
      const localized =
        isMap(grand) && grand.items.some((p) => isScalar(p.key) && (p.key.value === 'en' || p.key.value === 'ja'));
      texts.push({ file, source, start: node.range[0], japanese: !(localized && field === 'en'), line });
    },
  });
  return texts;
}

/** The comments of a .cfg file that hold Japanese. */
function cfgTexts(file: string): Text[] {
  const src = readFileSync(join(root, file), 'utf8');
  const line = lineOf(src);
  const texts: Text[] = [];
  let offset = 0;
  for (const l of src.split('\n')) {
    const hash = l.indexOf('#');
    if (hash >= 0 && JAPANESE.test(l.slice(hash)))
      texts.push({ file, source: l.slice(hash), start: offset + hash, japanese: true, line });
    offset += l.length + 1;
  }
  return texts;
}

function filesUnder(dir: string, keep: (f: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir)).sort()) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...filesUnder(rel, keep));
    else if (keep(rel)) out.push(rel);
  }
  return out;
}

const labFiles = filesUnder('labs', (f) => /^labs\/[^/]+\/lab\.yaml$/.test(f));
const cfgFiles = [
  ...filesUnder('labs', (f) => f.endsWith('.cfg')),
  ...filesUnder('templates', (f) => f.endsWith('.cfg')),
];
const templateYaml = filesUnder('templates', (f) => /\.ya?ml$/.test(f));
/** The Japanese catalog's messages as a student reads them, each at the line of ja.ts that defines it. */
function catalogTexts(): Text[] {
  const file = 'src/i18n/ja.ts';
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const lineOfKey = (key: string) => {
    const [group, name] = key.split(' ')[0]!.split('.');
    const start = lines.findIndex((l) => l.startsWith(`  ${group}: {`));
    return start + lines.slice(start).findIndex((l) => l.startsWith(`    ${name}:`)) + 1;
  };
  return [...rendered(ja)].map(([key, source]) => ({
    file: `${file} (${key})`,
    source,
    start: 0,
    japanese: true,
    line: () => lineOfKey(key),
  }));
}

const catalog = catalogTexts();
const texts = [...[...labFiles, ...templateYaml].flatMap(yamlTexts), ...cfgFiles.flatMap(cfgTexts), ...catalog];

/** Inline code (`…`) blanked out, same length: placeholders such as `req.hdr(<名前>)` are code, not prose. */
function prose(source: string): string {
  return source.replace(/`[^`\n]*`/g, (m) => ' '.repeat(m.length));
}

const KANA_KANJI = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;

function glossaryProblems(): string[] {
  const found: string[] = [];
  for (const t of texts) {
    for (const { term, avoid, re } of rules) {
      for (const m of t.source.matchAll(re)) {
        found.push(
          `${t.file}:${t.line(t.start + (m.index ?? 0))}: 「${avoid.form}」ではなく「${term.ja.split('（')[0]}」(${term.id}): ${avoid.why}`,
        );
      }
    }
  }
  return found;
}

function parenthesisProblems(): string[] {
  const found: string[] = [];
  for (const t of texts) {
    if (!t.japanese) continue;
    const text = prose(t.source);
    for (const m of text.matchAll(/\(([^()\n]*)\)/g)) {
      const at = m.index ?? 0;
      const before = text[at - 1] ?? '';
      const after = text[at + m[0].length] ?? '';
      if (JAPANESE.test(m[1] ?? '') || KANA_KANJI.test(before) || KANA_KANJI.test(after)) {
        found.push(`${t.file}:${t.line(t.start + at)}: 日本語の文では全角の括弧を使う: 「${m[0]}」→「（${m[1]}）」`);
      }
    }
  }
  return found;
}

describe('the course glossary (labs/glossary.yaml)', () => {
  it('gives every term an id, an English and a Japanese form, and reasons for what it avoids', () => {
    const ids = new Set<string>();
    for (const t of glossary.terms) {
      expect(t.id, JSON.stringify(t)).toMatch(/^[a-z0-9-]+$/);
      expect(ids.has(t.id), `duplicate term ${t.id}`).toBe(false);
      ids.add(t.id);
      expect(t.en && t.ja, t.id).toBeTruthy();
      expect(['course', 'style', 'labs']).toContain(t.source);
      for (const a of t.avoid) {
        expect(a.why, `${t.id}: ${a.form}`).toBeTruthy();
        // The preferred form itself must not match what it avoids.
        expect(t.ja.match(pattern(a.form)), `${t.id}: the preferred form contains the avoided ${a.form}`).toBeNull();
      }
    }
  });

  it('holds the course chapter’s own words', () => {
    const course = glossary.terms.filter((t) => t.source === 'course').map((t) => t.ja);
    for (const word of [
      'スケールアウト',
      'スケールアップ',
      '冗長化',
      'フェイルオーバー',
      'ヘルスチェック',
      'ロードバランサー',
      'スティッキーセッション',
      'ローリングアップデート',
      'カオスエンジニアリング',
      '単一障害点',
      '高可用性',
      'レイテンシー',
    ]) {
      expect(
        course.some((ja) => ja.startsWith(word)),
        word,
      ).toBe(true);
    }
  });

  it('finds the Japanese texts it checks', () => {
    expect(labFiles.length).toBeGreaterThanOrEqual(10);
    expect(texts.filter((t) => t.file.endsWith('lab.yaml')).length).toBeGreaterThan(300);
    expect(texts.some((t) => t.file.endsWith('.cfg'))).toBe(true);
    expect(catalog.length).toBeGreaterThan(60);
    expect(catalog.find((t) => t.file.endsWith('(down.removed)'))?.line(0)).toBeGreaterThan(1);
  });

  it('finds an avoided form with its file:line, and a half-width parenthesis in Japanese', () => {
    const t: Text = {
      file: 'x.yaml',
      source: 'サーバー\nサーバと(ブラウザ)を random(2)（2つ）',
      start: 0,
      japanese: true,
      line: lineOf('サーバー\nサーバと(ブラウザ)を random(2)（2つ）'),
    };
    const hits = rules.filter((r) => [...t.source.matchAll(r.re)].length > 0).map((r) => r.avoid.form);
    expect(hits.sort()).toEqual(['サーバ', 'ブラウザ']);
    expect(t.line(t.source.indexOf('サーバと'))).toBe(2);
    const parens = [...prose(t.source).matchAll(/\(([^()\n]*)\)/g)].map((m) => m[1]);
    expect(parens).toEqual(['ブラウザ', '2']);
  });

  it('every Japanese text of labs/, templates/ and src/i18n/ja.ts uses the glossary’s forms', () => {
    expect(glossaryProblems()).toEqual([]);
  });

  it('Japanese sentences put asides in full-width （）, not half-width ()', () => {
    expect(parenthesisProblems()).toEqual([]);
  });
});
