/**
 * One line of a HAProxy configuration cut into words the way HAProxy's own parser does, so lab
 * judges what HAProxy will read rather than how the line is written. Pure.
 *
 * HAProxy 3.0 configuration manual, 2.2 "Quoting and escaping" and 2.3 "Environment variables"
 * (https://docs.haproxy.org/3.0/configuration.html#2.2): words split on unquoted spaces and
 * tabs; `#` outside quotes starts a comment; `\` escapes outside and inside double quotes
 * (`\ `, `\#`, `\\`, `\'`, `\"`, `\n`, `\r`, `\t`, `\xNN`; any other pair is kept as written,
 * as HAProxy 3.0.11 does); single quotes protect everything; `$NAME`, `${NAME}`,
 * `${NAME-default}` (the default only for a variable that does not exist, not an empty one) and
 * `${NAME[*]}` (one word per space-separated value) are expanded only inside double quotes.
 * Pseudo-variables start with a dot (`${.LINE}`, `${.FILE}`, `${.SECTION}`).
 */

/** Stands in a word for the value of a variable lab cannot know. */
export const UNKNOWN = '\u0000';

/** A variable's value: a string, undefined when it surely does not exist, or UNKNOWN. */
export type Lookup = (name: string) => string | undefined;

const NAME = /^\.?[A-Za-z_][A-Za-z0-9_]*/;
const BRACED = /^(\.?[A-Za-z_][A-Za-z0-9_]*)(\[\*\])?(?:-([^}]*))?$/;
const SIMPLE_ESCAPES: Record<string, string> = {
  ' ': ' ',
  '\t': '\t',
  '#': '#',
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  r: '\r',
  t: '\t',
};

export function haproxyWords(line: string, lookup: Lookup): string[] {
  const words: string[] = [];
  let cur = '';
  let started = false;
  // A word made only of quotes and `${X[*]}` that expands to nothing is no word at all.
  let emptyStar = false;
  let text = false;
  let quote: '' | '"' | "'" = '';
  const flush = () => {
    if (started && !(emptyStar && !text)) words.push(cur);
    cur = '';
    started = emptyStar = text = false;
  };
  const add = (s: string) => {
    started = text = true;
    cur += s;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = '';
      else add(c);
      continue;
    }
    if (c === '\\') {
      const n = line[i + 1];
      if (n !== undefined && SIMPLE_ESCAPES[n] !== undefined) {
        add(SIMPLE_ESCAPES[n]);
        i++;
      } else if (n === '$' && quote === '"') {
        add('$');
        i++;
      } else if (n === 'x' && /^[0-9A-Fa-f]{2}$/.test(line.slice(i + 2, i + 4))) {
        add(String.fromCharCode(Number.parseInt(line.slice(i + 2, i + 4), 16)));
        i += 3;
      } else add('\\');
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = '';
      else if (c === '$')
        i = expand(line, i, lookup, add, (pieces) => {
          // ${X[*]}: the first piece ends the current word, the last one starts the next.
          if (!pieces.length) emptyStar = started = true;
          pieces.forEach((p, k) => {
            if (k > 0) flush();
            add(p);
          });
        });
      else add(c);
      continue;
    }
    if (c === ' ' || c === '\t') flush();
    else if (c === '#') break;
    else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else add(c);
  }
  flush();
  return words;
}

/** Expand the variable at line[i] (a `$` inside double quotes); returns the index of its last character. */
function expand(
  line: string,
  i: number,
  lookup: Lookup,
  add: (s: string) => void,
  addPieces: (pieces: string[]) => void,
): number {
  if (line[i + 1] === '{') {
    const end = line.indexOf('}', i + 2);
    const m = end < 0 ? null : BRACED.exec(line.slice(i + 2, end));
    // HAProxy refuses a malformed variable itself (`haproxy -c`): keep the text as written.
    if (!m) {
      add('$');
      return i;
    }
    const value = valueWith(lookup(m[1]!), m[3]);
    if (m[2]) addPieces(value === UNKNOWN ? [UNKNOWN] : value.split(/[ \t]+/).filter(Boolean));
    else add(value);
    return end;
  }
  const name = NAME.exec(line.slice(i + 1))?.[0];
  if (!name) {
    add('$');
    return i;
  }
  add(valueWith(lookup(name), undefined));
  return i + name.length;
}

/** A value that may be UNKNOWN stays so; a default replaces a variable that does not exist. */
const valueWith = (value: string | undefined, dflt: string | undefined): string =>
  value === undefined ? (dflt ?? '') : value.includes(UNKNOWN) ? UNKNOWN : value;
