/**
 * "did you mean" for an unknown key in a lab file, from the public JSON Schema (the one editors
 * use, see json-schema.ts), so the suggestion names a key that is valid where it is proposed.
 * Pure.
 */

/** The parts of a JSON Schema this module reads; anything else (true, false, tuples) declares no keys. */
interface SchemaNode {
  properties?: Record<string, unknown>;
  items?: unknown;
  anyOf?: unknown[];
  oneOf?: unknown[];
  allOf?: unknown[];
}

type Path = readonly (string | number)[];

/** Where a key is valid: its parent's path in the document ('' for the top level, checks[] for each check). */
interface Placed {
  key: string;
  parent: string;
}

/**
 * The suffix for "unknown key X": the nearest key valid at `path` that the map does not already
 * have (`present`), else the nearest keys valid elsewhere, named by where they live; or ''.
 */
export function suggestKey(schema: unknown, path: Path, key: string, present: readonly string[]): string {
  const here = objectAt(schema, path);
  const local = nearest(
    key,
    Object.keys(here?.properties ?? {})
      .filter((k) => !present.includes(k))
      .map((k) => ({ key: k, parent: '' })),
  );
  if (local.length) return ` (did you mean "${local[0]!.key}"?)`;
  const parent = schemaPath(path);
  const elsewhere = shallowest(
    nearest(
      key,
      allKeys(schema).filter((p) => p.parent !== parent),
    ),
  );
  return elsewhere.length ? ` (did you mean ${elsewhere.map(where).join(' or ')}?)` : '';
}

const qualified = (p: Placed): string => (p.parent ? `${p.parent}.${p.key}` : p.key);
const where = (p: Placed): string => (p.parent ? qualified(p) : `${p.key} at the top level`);

/** A document path as a schema path: array indexes become [] (checks.0 is checks[]). */
const schemaPath = (path: Path): string =>
  path.reduce<string>((s, step) => (typeof step === 'number' ? `${s}[]` : s ? `${s}.${step}` : step), '');

/** The object schema at a document path, through array items and unions. */
function objectAt(schema: unknown, path: Path): SchemaNode | undefined {
  let node: unknown = schema;
  for (const step of path) {
    node = variants(node)
      .map((n) => (typeof step === 'number' ? n.items : n.properties?.[step]))
      .find(Boolean);
    if (!node) return undefined;
  }
  const withKeys = variants(node).filter((n) => n.properties);
  return withKeys.length ? { properties: Object.assign({}, ...withKeys.map((n) => n.properties)) } : undefined;
}

const variants = (node: unknown): SchemaNode[] => {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return [];
  const n = node as SchemaNode;
  return [n, ...[...(n.anyOf ?? []), ...(n.oneOf ?? []), ...(n.allOf ?? [])].flatMap(variants)];
};

/** Every key the schema declares, with where it lives. */
function allKeys(schema: unknown, parent = ''): Placed[] {
  return variants(schema).flatMap((n) => [
    ...Object.entries(n.properties ?? {}).flatMap(([key, sub]) => [
      { key, parent },
      ...allKeys(sub, parent ? `${parent}.${key}` : key),
    ]),
    ...(n.items ? allKeys(n.items, `${parent}[]`) : []),
  ]);
}

/** Of keys equally near, the least nested: `title` at the top level before tasks[].title. */
function shallowest(placed: Placed[]): Placed[] {
  const depth = (p: Placed) => (p.parent ? p.parent.split(/\.|\[\]/).filter(Boolean).length + 1 : 0);
  const min = Math.min(...placed.map(depth));
  return placed.filter((p) => depth(p) === min);
}

/** The candidates closest to `key` (ignoring case), if close enough to be a slip of the keyboard. */
function nearest(key: string, candidates: Placed[]): Placed[] {
  const limit = key.length <= 3 ? 1 : 2;
  const scored = candidates
    .map((c) => ({ c, d: distance(c.key.toLowerCase(), key.toLowerCase()) }))
    .filter((s) => s.d <= limit);
  const best = Math.min(...scored.map((s) => s.d));
  const seen = new Set<string>();
  return scored.filter((s) => s.d === best && !seen.has(qualified(s.c)) && seen.add(qualified(s.c))).map((s) => s.c);
}

/** Edit distance where swapping two neighbouring letters (replcias) counts as one edit. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
