import { UsageError } from './errors.ts';
import { LabIdPattern } from './lab-schema.ts';
import { shortId } from './lab-id.ts';

/**
 * `lab new <id>`: a lab scaffolded from the skeleton in templates/lab/, decided without I/O:
 * whether the id may be used, the title it gets, and each skeleton file with its placeholders
 * (@NAME@) filled. Pure.
 */

export interface SkeletonFile {
  /** Relative to the skeleton folder, and to the new lab's folder. */
  path: string;
  text: string;
}

/** What the placeholders of the skeleton are filled with. */
export interface ScaffoldValues {
  id: string;
  title: string;
  /** From the new lab's folder to lab's compose/whoami, and to labs/lab.schema.json. */
  whoamiContext: string;
  schema: string;
  /** How the next commands name the lab file (relative to where lab new ran, when inside it). */
  labFile: string;
}

/** The smallest lab number no known lab uses, as two digits; undefined when all 99 are taken. */
export function freeNumber(known: readonly string[]): string | undefined {
  const used = new Set(known.map(shortId));
  for (let n = 1; n < 100; n++) {
    const s = String(n).padStart(2, '0');
    if (!used.has(s)) return s;
  }
  return undefined;
}

/** An id suggested instead of a refused one: its name part (or "my-lab") after a free number. */
export function suggestId(wanted: string, known: readonly string[]): string {
  const name =
    wanted
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .replace(/^[0-9]+(-|$)/, '') || 'my-lab';
  return `${freeNumber(known) ?? '99'}-${name}`;
}

/**
 * Refuse an id lab new may not use: one that does not match the lab id pattern, one whose folder
 * exists in the labs folder, or one whose number another lab has (`lab up 07` would be ambiguous).
 * `known`: the ids of every lab lab can find, plus the folders of the target labs folder.
 */
export function checkNewId(id: string, known: readonly string[]): void {
  const next = (why: string) => `${why}, e.g. lab new ${suggestId(id, known)}`;
  if (!LabIdPattern.test(id)) {
    throw new UsageError(
      `"${id}" is not a lab id: a lab id is two digits, a dash, then lowercase words joined by dashes (like 03-load-balancing)`,
      { hint: next('Run lab new with such an id') },
    );
  }
  if (known.includes(id)) throw new UsageError(`Lab ${id} already exists`, { hint: next('Choose another id') });
  const same = known.find((k) => shortId(k) === shortId(id));
  if (same)
    throw new UsageError(
      `Lab number ${shortId(id)} is taken by ${same}: lab up ${shortId(id)} would not know which lab you mean`,
      { hint: next('Choose a free number') },
    );
}

/** The title of a lab whose author gave none: its id's words, e.g. "07-sticky-sessions" → "Sticky sessions". */
export function titleFromId(id: string): string {
  const words = id
    .replace(/^[0-9]+-/, '')
    .split('-')
    .join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A title is one line of text (lab list shows it in a table). */
export function checkTitle(title: string): void {
  if (!title.trim() || /[\r\n]/.test(title))
    throw new UsageError('--title must be one line of text, not empty', {
      hint: 'e.g. lab new 07-sticky-sessions --title "Sticky sessions with cookies"',
    });
}

/**
 * The skeleton's files with their placeholders filled. Values that land in YAML are quoted by
 * JSON.stringify (a JSON string is a YAML double-quoted scalar), so a title with ":" or "#"
 * stays one string. An unknown placeholder is a bug in the skeleton, never the author's.
 */
export function renderSkeleton(files: readonly SkeletonFile[], v: ScaffoldValues): SkeletonFile[] {
  const values: Record<string, string> = {
    LAB_ID: v.id,
    SHORT: shortId(v.id),
    TITLE: JSON.stringify(v.title),
    WHOAMI_CONTEXT: JSON.stringify(v.whoamiContext),
    SCHEMA: v.schema,
    LAB_FILE: v.labFile,
  };
  return files.map((f) => ({
    path: f.path,
    text: f.text.replace(/@([A-Z_]+)@/g, (_whole, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`templates/lab/${f.path} names an unknown placeholder @${name}@`);
      return value;
    }),
  }));
}
