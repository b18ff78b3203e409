import { isMap, isScalar, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type * as z from 'zod';
import { LabSchema, type Lab } from '../core/lab-schema.ts';
import type { FileProblem } from '../errors.ts';

export type ParseResult = { ok: true; lab: Lab } | { ok: false; problems: FileProblem[] };

/**
 * Parse and validate one lab file's text. Pure: the caller reads the file. Every problem is
 * reported, each at the line and column of the key or value it is about.
 */
export function parseLab(text: string, file: string): ParseResult {
  const lineCounter = new LineCounter();
  // uniqueKeys (on by default) turns duplicate keys into DUPLICATE_KEY errors.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
        const key = e.code === 'DUPLICATE_KEY' ? keyAt(text, pos.line, pos.col) : '';
        return { file, line: pos.line, col: pos.col, key, message: yamlMessage(e.code, e.message) };
      }),
    };
  }
  const js = toJS(doc, lineCounter, file);
  if (!js.ok) return js;
  const result = LabSchema.safeParse(js.value);
  if (result.success) return { ok: true, lab: result.data };
  const problems = result.error.issues.flatMap((i) => issueProblems(i, doc, lineCounter, file));
  // In file order, as an editor lists them.
  return { ok: false, problems: problems.sort((a, b) => a.line - b.line || a.col - b.col) };
}

/**
 * A lab file needs no more than a few aliases; a "billion laughs" file expands each alias into
 * copies of copies. yaml refuses past maxAliasCount (a ReferenceError, see eemeli/yaml
 * docs "Options: maxAliasCount"): report it at the first alias, as a problem of the file.
 */
const MAX_ALIASES = 100;
function toJS(doc: Document, lc: LineCounter, file: string): { ok: true; value: unknown } | { ok: false; problems: FileProblem[] } {
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIASES }) };
  } catch (e) {
    let first: number | undefined;
    visit(doc, { Alias: (_key, node) => void (first ??= node.range?.[0]) });
    const message = /alias/i.test((e as Error).message) ? `too many aliases (*name): a lab file may expand at most ${MAX_ALIASES}` : (e as Error).message;
    return { ok: false, problems: [{ file, ...lc.linePos(first ?? 0), key: '', message }] };
  }
}

/** The key written at a position, e.g. for a duplicate key, which yaml reports without its name. */
const keyAt = (text: string, line: number, col: number): string =>
  /^[^:#\s]+/.exec(text.split('\n')[line - 1]?.slice(col - 1) ?? '')?.[0] ?? '';

const yamlMessage = (code: string, message: string): string => {
  const first = message.split('\n')[0] ?? message;
  // yaml appends " at line L, column C" to its message; lab puts the position in front instead.
  const text = first.replace(/ at line \d+, column \d+:?$/, '');
  return code === 'DUPLICATE_KEY' ? 'duplicate key: each key may appear only once in a map' : `invalid YAML (${code}): ${text}`;
};

function issueProblems(issue: z.core.$ZodIssue, doc: Document, lc: LineCounter, file: string): FileProblem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    // One problem per unknown key, pointing at the key itself rather than its parent.
    return issue.keys.map((key) => ({
      ...position(doc, lc, path, key),
      file,
      key: [...path, key].join('.'),
      message: `unknown key "${key}"${suggest(key, knownKeys(doc, path))}`,
    }));
  }
  return [{ ...position(doc, lc, path), file, key: path.join('.') || '(document)', message: friendly(issue) }];
}

function friendly(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    if (issue.message.includes('received undefined')) return `is required (${issue.expected})`;
    // zod reports 8000.5 for an .int() as "expected int, received number", which reads as nonsense.
    if (issue.expected === 'int') return 'must be a whole number';
    return `must be ${article(issue.expected)}${received(issue.message)}`;
  }
  if (issue.code === 'invalid_value') return `must be one of: ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'too_small') return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${String(issue.minimum)}${issue.origin === 'array' ? ' item(s)' : issue.origin === 'string' ? ' character(s)' : ''}`;
  if (issue.code === 'too_big') return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : ''}`;
  return issue.message;
}

const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);
const received = (m: string) => {
  const r = /received (\w+)/.exec(m);
  return r ? `, not ${r[1] === 'null' ? 'null' : article(r[1] ?? '')}` : '';
};

/** Line and column of the node at `path`; for a key name, of that key in its map. */
function position(doc: Document, lc: LineCounter, path: (string | number)[], key?: string) {
  let node: unknown = doc.contents;
  let offset = 0;
  for (const step of [...path, ...(key === undefined ? [] : [key])]) {
    if (!isMap(node) && !(node && typeof node === 'object' && 'items' in node)) break;
    const items = (node as { items: unknown[] }).items;
    const pair = isMap(node)
      ? (items as { key: unknown; value: unknown }[]).find((p) => isScalar(p.key) && p.key.value === step)
      : undefined;
    const next = pair ?? (typeof step === 'number' ? items[step] : undefined);
    if (next === undefined) break;
    const target = pair ? (step === key ? pair.key : (pair.value ?? pair.key)) : next;
    offset = (target as Node).range?.[0] ?? offset;
    node = pair ? pair.value : next;
  }
  return lc.linePos(offset);
}

function knownKeys(doc: Document, path: (string | number)[]): string[] {
  const node = doc.getIn(path, true);
  return isMap(node) ? node.items.flatMap((p) => (isScalar(p.key) ? [String(p.key.value)] : [])) : [];
}

/** "did you mean" for typos such as replcias, from the keys the schema allows at that level. */
function suggest(key: string, present: string[]): string {
  const allowed = allowedKeys().filter((k) => !present.includes(k));
  const close = allowed.find((k) => distance(k.toLowerCase(), key.toLowerCase()) <= 2);
  return close ? ` (did you mean "${close}"?)` : '';
}

let allowedCache: string[] | undefined;
function allowedKeys(): string[] {
  if (allowedCache) return allowedCache;
  const keys = new Set<string>();
  const walk = (s: unknown): void => {
    const def = (s as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (!def) return;
    if (def.shape) for (const [k, v] of Object.entries(def.shape as object)) (keys.add(k), walk(v));
    for (const inner of [def.innerType, def.element, def.in]) walk(inner);
  };
  walk(LabSchema);
  return (allowedCache = [...keys]);
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
