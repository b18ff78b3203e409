import { readVariants } from './lab-variants.ts';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeUtf8 } from './decode-utf8.ts';
import type { KeyLocator } from './parse-lab.ts';
import type { Lab } from '../core/lab-schema.ts';
import type { BuildContext } from '../core/images.ts';
import { labServices } from '../core/services.ts';
import { EnvironmentError, UsageError, type FileProblem } from '../core/errors.ts';

/**
 * Finding lab files and checking what only the file system can tell about one. Apart from
 * labs.ts (which parses and validates) so that lab-cache.ts can use them without loading yaml
 * and zod, which cost `lab list` more than Node's own start (docs/performance.md).
 */

/**
 * Where lab's own files live: the nearest folder above this module that holds package.json. This
 * module is src/config/lab-files.ts in development and part of a chunk directly in dist/ once built
 * (scripts/build.mjs bundles), so the depth differs.
 */
export const PACKAGE_ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));

function packageRoot(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) return resolve(dir, '..', '..');
  }
}

/** Lab directories: LAB_LABS_DIR (instructors' own labs) first, then the labs lab ships. */
export const labsDirs = (env: NodeJS.ProcessEnv = process.env): string[] => [
  ...(env.LAB_LABS_DIR ? env.LAB_LABS_DIR.split(':').filter(Boolean).map(checkLabsDir) : []),
  join(PACKAGE_ROOT, 'labs'),
];

/** A folder LAB_LABS_DIR names must be one: a typo would otherwise hide an instructor's labs behind "No lab". */
function checkLabsDir(dir: string): string {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new EnvironmentError(
      `LAB_LABS_DIR names ${dir}, which ${existsSync(dir) ? 'is a file, not a folder' : 'does not exist'}`,
      {
        hint: 'Set LAB_LABS_DIR to folders that hold <id>/lab.yaml files (separated by :), or unset it',
      },
    );
  }
  return dir;
}

export interface LabFile {
  /** Folder name, which is the lab id, e.g. 03-load-balancing. */
  id: string;
  file: string;
}

export interface LoadedLab {
  lab: Lab;
  file: string;
  /** Absolute build context and the hash of its files (see build-hash.ts) of each service that builds its image, by service name. */
  builds: Record<string, BuildContext>;
  /** Absolute path of the student's starter haproxy.cfg (loadBalancer.config: student). */
  starter?: string;
}

/** Every labs/<id>/lab.yaml in the lab directories, by id; earlier directories win. */
export function listLabFiles(dirs = labsDirs()): LabFile[] {
  const found = new Map<string, LabFile>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const id of readdirSync(dir).sort()) {
      const file = join(dir, id, 'lab.yaml');
      if (!found.has(id) && existsSync(file)) found.set(id, { id, file });
    }
  }
  return [...found.values()];
}

/** Resolve "03", "3" or "03-load-balancing" to a lab file. */
export function findLab(ref: string, dirs = labsDirs()): LabFile {
  if (/[/\\]|\.\./.test(ref) || ref.includes(sep)) {
    throw new UsageError(`"${ref}" is not a lab id: lab ids have no path separators or ".."`, {
      hint: 'Run `lab list` to see the labs, or `lab validate <file>` to check a lab file by path',
    });
  }
  const labs = listLabFiles(dirs);
  const number = /^[0-9]+$/.test(ref) ? ref.padStart(2, '0') : undefined;
  const match = labs.find((l) => l.id === ref || (number !== undefined && l.id.startsWith(`${number}-`)));
  if (!match) {
    const known = labs.map((l) => l.id).join(', ') || '(none)';
    throw new UsageError(`No lab "${ref}". Labs: ${known}`, { hint: 'Run `lab list` to see them with their titles' });
  }
  return match;
}

/** A lab file is a page of YAML; anything near this size is a mistake (or an attack on the parser). */
const MAX_LAB_FILE_BYTES = 2 ** 20;

/** A lab file's text, or the one problem that keeps it from being parsed (missing, too big, not UTF-8). */
export function readLabText(file: string, displayName: string): { text: string } | { problems: FileProblem[] } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return { problems: [{ file: displayName, line: 1, col: 1, key: '', message: reason }] };
  }
  if (bytes.length > MAX_LAB_FILE_BYTES) {
    return {
      problems: [
        {
          file: displayName,
          line: 1,
          col: 1,
          key: '',
          message: `is ${(bytes.length / 2 ** 20).toFixed(1)} MB; a lab file may be at most 1 MB`,
        },
      ],
    };
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) {
    return {
      problems: [
        {
          file: displayName,
          line: decoded.line,
          col: decoded.col,
          key: '',
          message: 'is not valid UTF-8 here: save the file as UTF-8',
        },
      ],
    };
  }
  return { text: decoded.text };
}

/**
 * What a valid lab file refers to, checked on the file system: its folder matches its id, each
 * build context has a Dockerfile (and its hash, by hashOf), solution and starter files exist.
 */
export function checkLabFiles(
  lab: Lab,
  file: string,
  displayName: string,
  keyPosition: KeyLocator,
  hashOf: (context: string) => string,
): { loaded: LoadedLab; problems: FileProblem[] } {
  const problems: FileProblem[] = [];
  const folder = dirname(file).split(sep).pop();
  // The folder is how `lab up 07` finds a lab; an id that differs would name other projects and labels.
  if (folder !== lab.id && file.endsWith(`${sep}lab.yaml`)) {
    problems.push({
      file: displayName,
      ...keyPosition(['id']),
      key: 'id',
      message: `is "${lab.id}" but the folder is "${folder}"; they must match`,
    });
  }
  const builds: Record<string, BuildContext> = {};
  for (const { name, build, at } of labServices(lab)) {
    if (!build) continue;
    const context = resolve(dirname(file), build.context);
    if (!existsSync(join(context, 'Dockerfile')) || !statSync(context).isDirectory()) {
      problems.push({
        file: displayName,
        ...keyPosition([...at, 'build', 'context']),
        key: [...at, 'build', 'context'].join('.'),
        message: `no Dockerfile in ${context}`,
      });
    } else {
      // Hashed when first asked for (up, images): list, show and validate never need it, and
      // walking the build context was 12 ms of `lab list`.
      builds[name] = {
        context,
        get hash() {
          return hashOf(context);
        },
      };
    }
  }
  lab.tasks.forEach((t, i) => {
    if (typeof t.solution === 'string' && !existsSync(resolve(dirname(file), t.solution))) {
      problems.push({
        file: displayName,
        ...keyPosition(['tasks', i, 'solution']),
        key: `tasks.${i}.solution`,
        message: `no such file: ${resolve(dirname(file), t.solution)}`,
      });
    }
  });
  // Variants (lab test grades each): every one must parse and name a task of this lab.
  for (const v of readVariants(file)) {
    const why =
      v.problem ??
      (lab.tasks.some((t) => t.id === v.variant?.task)
        ? undefined
        : `names task "${v.variant?.task}", which the lab does not have (its tasks: ${lab.tasks.map((t) => t.id).join(', ') || 'none'})`);
    if (why) problems.push({ file: displayName, line: 1, col: 1, key: 'tasks', message: `${v.name} ${why}` });
  }
  const starter = lab.loadBalancer.starter === undefined ? undefined : resolve(dirname(file), lab.loadBalancer.starter);
  if (starter && !statSync(starter, { throwIfNoEntry: false })?.isFile()) {
    problems.push({
      file: displayName,
      ...keyPosition(['loadBalancer', 'starter']),
      key: 'loadBalancer.starter',
      message: `no such file: ${starter}`,
    });
  }
  return { loaded: { lab, file, builds, starter }, problems };
}

export const displayPath = (file: string): string => {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
};
