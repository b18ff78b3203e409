import { isMap, isScalar, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type * as z from 'zod';
import { labSchemaObject } from '../core/json-schema.ts';
import { LabSchema, type Lab } from '../core/lab-schema.ts';
import { suggestKey } from '../core/suggest-key.ts';
import type { FileProblem } from '../core/errors.ts';

/** Line and column of the key at the end of a path, e.g. ['app', 'build', 'context']. */
export type KeyLocator = (path: readonly (string | number)[]) => { line: number; col: number };

export type ParseResult = { ok: true; lab: Lab; keyPosition: KeyLocator } | { ok: false; problems: FileProblem[] };

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
        const key = e.code === 'DUPLICATE_KEY' ? keyAt(doc, e.pos[0]) : '';
        return { file, line: pos.line, col: pos.col, key, message: yamlMessage(e.code, e.message) };
      }),
    };
  }
  const js = toJS(doc, lineCounter, file);
  if (!js.ok) return js;
  const result = LabSchema.safeParse(js.value);
  if (result.success) {
    // A key's own position, or a list item's (tasks.0.needs.1) when the path ends in an index.
    const keyPosition: KeyLocator = (path) =>
      typeof path.at(-1) === 'number'
        ? position(doc, lineCounter, path)
        : position(doc, lineCounter, path.slice(0, -1), String(path.at(-1)));
    return { ok: true, lab: result.data, keyPosition };
  }
  const problems = result.error.issues.flatMap((i) => issueProblems(i, doc, lineCounter, file));
  // In file order, as an editor lists them.
  return { ok: false, problems: problems.sort((a, b) => a.line - b.line || a.col - b.col) };
}

/** The key that starts at an offset, e.g. a duplicate key, which yaml reports without its name. */
function keyAt(doc: Document, offset: number): string {
  let name = '';
  visit(doc, {
    Pair: (_, pair) => {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) return ((name = String(pair.key.value)), visit.BREAK);
    },
  });
  return name;
}

/**
 * A lab file needs no more than a few aliases; a "billion laughs" file expands each alias into
 * copies of copies. yaml refuses past maxAliasCount (a ReferenceError, see eemeli/yaml
 * docs "Options: maxAliasCount"): report it at the first alias, as a problem of the file.
 */
const MAX_ALIASES = 100;
function toJS(
  doc: Document,
  lc: LineCounter,
  file: string,
): { ok: true; value: unknown } | { ok: false; problems: FileProblem[] } {
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIASES }) };
  } catch (e) {
    let first: number | undefined;
    visit(doc, { Alias: (_key, node) => void (first ??= node.range?.[0]) });
    const message = /alias/i.test((e as Error).message)
      ? `too many aliases (*name): a lab file may expand at most ${MAX_ALIASES}`
      : (e as Error).message;
    return { ok: false, problems: [{ file, ...lc.linePos(first ?? 0), key: '', message }] };
  }
}

const yamlMessage = (code: string, message: string): string => {
  const first = message.split('\n')[0] ?? message;
  // yaml appends " at line L, column C" to its message; lab puts the position in front instead.
  const text = first.replace(/ at line \d+, column \d+:?$/, '');
  return code === 'DUPLICATE_KEY'
    ? 'duplicate key: each key may appear only once in a map'
    : `invalid YAML (${code}): ${text}`;
};

function issueProblems(issue: z.core.$ZodIssue, doc: Document, lc: LineCounter, file: string): FileProblem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    // One problem per unknown key, pointing at the key itself rather than its parent.
    return issue.keys.map((key) => ({
      ...position(doc, lc, path, key),
      file,
      key: [...path, key].join('.'),
      message: `unknown key "${key}"${suggestKey(labSchemaObject(), path, key, knownKeys(doc, path))}`,
    }));
  }
  // A bad map key (services.Web), or a rule about a whole map entry (services.api): at its key.
  const atKey =
    (issue.code === 'invalid_key' || issue.code === 'custom') && path.length > 0 && isMap(doc.getIn(path, true));
  const at =
    issue.code === 'invalid_key' || atKey
      ? position(doc, lc, path.slice(0, -1), String(path.at(-1)))
      : position(doc, lc, path);
  return [{ ...at, file, key: path.join('.') || '(document)', message: friendly(issue) }];
}

function friendly(issue: z.core.$ZodIssue): string {
  // A record's key that breaks its rule, e.g. services.Web: the key rule's own words.
  if (issue.code === 'invalid_key') return issue.issues[0]?.message ?? issue.message;
  if (issue.code === 'invalid_type') {
    if (issue.message.includes('received undefined')) return `is required (${issue.expected})`;
    // zod reports 8000.5 for an .int() as "expected int, received number", which reads as nonsense.
    if (issue.expected === 'int') return 'must be a whole number';
    return `must be ${article(issue.expected)}${received(issue.message)}`;
  }
  if (issue.code === 'invalid_union') {
    // Localized text (a string or { en, ja }): say what is missing or expected, not "Invalid input".
    const first = issue.errors.flat()[0];
    if (first?.code === 'invalid_type' && first.message.includes('received undefined'))
      return `is required (${first.expected})`;
    if (first?.code === 'invalid_type' && first.expected === 'string')
      return `must be text, or { en: text, ja: text }${received(first.message)}`;
  }
  if (issue.code === 'invalid_value') return `must be one of: ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'too_small')
    return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${String(issue.minimum)}${issue.origin === 'array' ? ' item(s)' : issue.origin === 'string' ? ' character(s)' : ''}`;
  if (issue.code === 'too_big')
    return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : ''}`;
  return issue.message;
}

const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);
const received = (m: string) => {
  const r = /received (\w+)/.exec(m);
  return r ? `, not ${r[1] === 'null' ? 'null' : article(r[1] ?? '')}` : '';
};

/** Line and column of the node at `path`; for a key name, of that key in its map. */
function position(doc: Document, lc: LineCounter, path: readonly (string | number)[], key?: string) {
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
