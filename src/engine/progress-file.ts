import { chmod, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseProgress, PROGRESS_FILE, renderProgress, type Progress } from '../core/exercises/progress.ts';
import { isLabState, MARKER_FILE, nextMarker, parseMarker, renderMarker } from '../core/workspace-files.ts';
import { atomicWrite, type Workspace } from './workspace.ts';

/** A student's progress (core/exercises/progress.ts) in the lab's workspace: read, and written 0600. */
export async function readProgress(ws: Workspace, lab: string): Promise<Progress> {
  return parseProgress(await readFile(join(ws.dir, PROGRESS_FILE), 'utf8').catch(() => undefined), lab);
}

/** Write progress.json (see writeOwnFile). */
export const writeProgress = (ws: Workspace, progress: Progress): Promise<string> =>
  writeOwnFile(ws, PROGRESS_FILE, renderProgress(progress));

/** The last `lab chaos` report of the lab (checks/chaos.ts), written as progress is. */
const CHAOS_REPORT_FILE = 'chaos-report.json';
export const writeChaosReport = (ws: Workspace, report: unknown): Promise<string> =>
  writeOwnFile(ws, CHAOS_REPORT_FILE, `${JSON.stringify(report, null, 2)}\n`);
export const readChaosReport = (ws: Workspace): Promise<string | undefined> =>
  readFile(join(ws.dir, CHAOS_REPORT_FILE), 'utf8').catch(() => undefined);

/**
 * Write a file of the student's work (progress.json, chaos-report.json) 0600, listed first in
 * lab-files.json as lab's (so lab reset deletes it with the rest). Before `lab up`, the
 * workspace folder may not exist yet: lab makes it, and says so.
 */
async function writeOwnFile(ws: Workspace, name: string, text: string): Promise<string> {
  await mkdir(dirname(ws.dir), { recursive: true });
  let createdFolder = false;
  try {
    await mkdir(ws.dir, { mode: 0o700 });
    await chmod(ws.dir, 0o700);
    createdFolder = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const [marker, state] = await Promise.all(
    [ws.markerFile, ws.stateFile].map((f) => readFile(f, 'utf8').catch(() => undefined)),
  );
  const next = nextMarker(parseMarker(marker), {
    createdFolder,
    legacyState: isLabState(state),
    inLabHome: ws.inLabHome,
    files: [name, MARKER_FILE],
    folders: [],
  });
  await atomicWrite(ws.markerFile, renderMarker(next), 0o644);
  const file = join(ws.dir, name);
  await atomicWrite(file, text, 0o600);
  return file;
}
