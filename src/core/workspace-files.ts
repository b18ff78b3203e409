import { isAbsolute, posix } from 'node:path';

/**
 * What lab wrote in a workspace, and what `lab reset` may therefore delete there. Pure.
 *
 * A workspace may be a folder a user pointed lab at (`lab up 03 -w .`), holding the user's own
 * files. So lab records in it, in lab-files.json, every file it wrote, every subfolder it made
 * and whether it made the folder itself. Reset deletes those files and subfolders (when they
 * are left empty) and the folder only when lab made it and nothing else is in it. It never
 * deletes recursively.
 */
export const MARKER_FILE = 'lab-files.json';
const FORMAT = 'lab-files/1';

export interface WorkspaceMarker {
  format: typeof FORMAT;
  /** lab made the workspace folder itself (it did not exist before lab wrote to it). */
  createdFolder: boolean;
  /** Files lab wrote, relative to the folder. */
  files: string[];
  /** Subfolders lab made, relative to the folder. */
  folders: string[];
  /** Files lab created for the student (haproxy.cfg from a starter): theirs, never deleted or overwritten. */
  student?: string[];
}

/** What earlier versions of lab wrote, without a marker (recognised by their lab.json). */
const LEGACY = { files: ['compose.yaml', 'haproxy/haproxy.cfg', 'lab.json'], folders: ['haproxy'] } as const;

/** A path inside the folder: relative, normalised, no `..`. A tampered marker names nothing outside. */
export const insideFolder = (p: unknown): p is string =>
  typeof p === 'string' &&
  p !== '' &&
  !p.includes('\0') &&
  !isAbsolute(p) &&
  posix.normalize(p) === p &&
  p !== '.' &&
  !p.startsWith('../') &&
  !p.endsWith('/');

export function parseMarker(text: string | undefined): WorkspaceMarker | undefined {
  if (!text) return undefined;
  try {
    const m = JSON.parse(text) as Partial<WorkspaceMarker>;
    if (
      m.format !== FORMAT ||
      typeof m.createdFolder !== 'boolean' ||
      !Array.isArray(m.files) ||
      !Array.isArray(m.folders)
    )
      return undefined;
    const student = Array.isArray(m.student) ? { student: m.student.filter(insideFolder) } : {};
    return {
      format: FORMAT,
      createdFolder: m.createdFolder,
      files: m.files.filter(insideFolder),
      folders: m.folders.filter(insideFolder),
      ...student,
    };
  } catch {
    return undefined;
  }
}

/** Whether a lab.json is lab's own workspace state (and not some other program's lab.json). */
export function isLabState(text: string | undefined): boolean {
  try {
    const state = JSON.parse(text ?? '') as { lab?: unknown; options?: unknown };
    return typeof state.lab === 'string' && typeof state.options === 'object' && state.options !== null;
  } catch {
    return false;
  }
}

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])].sort();

/**
 * The marker to write now. A previous marker keeps its word on who made the folder; without
 * one, a folder that already held lab's lab.json was made by an earlier lab if it lies in
 * LAB_HOME/workspaces, and is the user's anywhere else (lab cannot know, so it keeps it).
 */
export function nextMarker(
  previous: WorkspaceMarker | undefined,
  now: {
    createdFolder: boolean;
    legacyState: boolean;
    inLabHome: boolean;
    files: string[];
    folders: string[];
    student?: string[];
  },
): WorkspaceMarker {
  const legacy = !previous && now.legacyState;
  const createdFolder = previous ? previous.createdFolder : now.createdFolder || (legacy && now.inLabHome);
  // A student's file is never lab's, even where an earlier generated-mode run wrote one.
  const student = union(previous?.student ?? [], now.student ?? []);
  return {
    format: FORMAT,
    createdFolder,
    files: union(previous?.files ?? (legacy ? LEGACY.files : []), now.files).filter((f) => !student.includes(f)),
    folders: union(previous?.folders ?? (legacy ? LEGACY.folders : []), now.folders),
    ...(student.length ? { student } : {}),
  };
}

export const renderMarker = (m: WorkspaceMarker): string =>
  `${JSON.stringify({ ...m, note: 'Written by lab: what lab wrote here. lab reset deletes these and nothing else; the folder only if lab created it and nothing else is in it.' }, null, 2)}\n`;

/** What lab wrote in a folder, from its marker or, for an earlier lab, its lab.json; undefined when the folder is not lab's workspace. */
export function labPaths(
  marker: string | undefined,
  state: string | undefined,
): (Omit<WorkspaceMarker, 'format' | 'createdFolder'> & { createdFolder?: boolean }) | undefined {
  const m = parseMarker(marker);
  if (m) return m;
  return isLabState(state) ? { files: [...LEGACY.files], folders: [...LEGACY.folders] } : undefined;
}

/** The subfolders lab's paths lie in or name: the ones whose entries reset must see. */
export function labFolders(lab: Pick<WorkspaceMarker, 'files' | 'folders'>): string[] {
  const parents = lab.files.flatMap((file) =>
    file
      .split('/')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
  );
  return union(lab.folders, parents);
}

export interface WorkspaceFacts {
  dir: string;
  marker?: string;
  state?: string;
  /** Whether dir is LAB_HOME/workspaces/<name>. */
  inLabHome: boolean;
  /** What the folder holds: its entries, and those of labFolders(); folders end with '/'. */
  entries: string[];
}

export interface WorkspaceCleanup {
  dir: string;
  /** lab's files to delete, relative to dir. */
  files: string[];
  /** lab's subfolders to delete, deepest first: each is empty once the files are gone. */
  folders: string[];
  removeFolder: boolean;
  /** Why the folder stays, when it does. */
  keep?: string;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const list = (items: string[], max = 5) =>
  items.slice(0, max).join(', ') + (items.length > max ? ` and ${items.length - max} more` : '');

/** What reset deletes in one candidate folder; undefined when it is not a lab workspace. */
export function planWorkspaceCleanup(f: WorkspaceFacts): WorkspaceCleanup | undefined {
  const lab = labPaths(f.marker, f.state);
  if (!lab) return undefined;
  // Atomic writes go through <file>.<pid>.tmp; one left by an interrupted lab is lab's too.
  const temp = new RegExp(`^(${lab.files.map(escapeRe).join('|')})\\.\\d+\\.tmp$`);
  const files = f.entries.filter((e) => !e.endsWith('/') && (lab.files.includes(e) || temp.test(e))).sort();
  const gone = new Set(files);
  const folders: string[] = [];
  for (const folder of [...lab.folders].sort((a, b) => b.split('/').length - a.split('/').length)) {
    const inside = f.entries.filter((e) => e.startsWith(`${folder}/`) && e !== `${folder}/`);
    if (f.entries.includes(`${folder}/`) && inside.every((e) => gone.has(e) || gone.has(e.replace(/\/$/, '')))) {
      folders.push(folder);
      gone.add(folder);
    }
  }
  // What stays: anything not lab's, named where it is (a user's file inside haproxy/ rather
  // than haproxy/ itself, which stays only because of it).
  const strip = (e: string) => e.replace(/\/$/, '');
  const left = f.entries.filter((e) => !gone.has(strip(e)));
  const others = left.filter((e) => !(e.endsWith('/') && left.some((x) => x !== e && x.startsWith(e))));
  const createdFolder = lab.createdFolder ?? f.inLabHome;
  const why = [
    ...(createdFolder
      ? []
      : [
          lab.createdFolder === false
            ? 'lab did not create it'
            : 'lab has no record of creating it (no lab-files.json)',
        ]),
    ...(others.length ? [`it holds ${others.length} other item(s): ${list(others.sort())}`] : []),
  ];
  return {
    dir: f.dir,
    files,
    folders,
    removeFolder: why.length === 0,
    ...(why.length ? { keep: why.join(', and ') } : {}),
  };
}

/** One line of reset's list for a workspace. */
export const describeCleanup = (w: WorkspaceCleanup): string =>
  w.removeFolder
    ? `${w.dir}  (the folder lab created, with the ${w.files.length} file(s) lab wrote in it)`
    : `${w.dir}: only lab's files ${list([...w.files, ...w.folders.map((d) => `${d}/`)], 12)}; the folder stays: ${w.keep}`;
