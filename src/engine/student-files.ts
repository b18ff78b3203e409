import { copyFile, constants, readFile, unlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { savedStudentName } from '../core/exercises/solution-plan.ts';
import { isLabState, nextMarker, parseMarker, renderMarker } from '../core/workspace-files.ts';
import { atomicWrite, type Workspace } from './workspace.ts';

/**
 * lab solve on a student-mode lab: the student's haproxy.cfg is theirs. Before a solution
 * replaces it, it is copied beside it (haproxy.cfg.before-solve-<task>, then -2, -3…: never
 * over an earlier save), and the copy is recorded in the workspace marker as the student's, so
 * lab reset keeps it too. Returns the saved copy's path, or nothing when there was no file.
 */
export async function replaceStudentFile(ws: Workspace, task: string, solution: string): Promise<string | undefined> {
  let saved: string | undefined;
  if (existsSync(ws.haproxyCfg)) {
    saved = savedStudentName(ws.haproxyCfg, task, existsSync);
    // COPYFILE_EXCL: a save that appeared meanwhile is never overwritten.
    await copyFile(ws.haproxyCfg, saved, constants.COPYFILE_EXCL);
    const [marker, state] = await Promise.all(
      [ws.markerFile, ws.stateFile].map((f) => readFile(f, 'utf8').catch(() => undefined)),
    );
    const next = nextMarker(parseMarker(marker), {
      createdFolder: false,
      legacyState: isLabState(state),
      inLabHome: ws.inLabHome,
      files: [],
      folders: [],
      student: [relative(ws.dir, saved)],
    });
    await atomicWrite(ws.markerFile, renderMarker(next), 0o644);
  }
  // Readable by HAProxy in its container (uid 99) through the bind mount, like the starter copy.
  await atomicWrite(ws.haproxyCfg, solution, 0o644);
  return saved;
}

/**
 * lab test's teardown of a workspace it created itself: the "student's" files there (the
 * starter's copy, solutions, their saves) were written by this run for no student, so they go
 * too. Only the files the marker lists as the student's, and only inside the workspace.
 */
export async function removeTestStudentFiles(ws: Workspace): Promise<void> {
  const marker = parseMarker(await readFile(ws.markerFile, 'utf8').catch(() => undefined));
  await Promise.all((marker?.student ?? []).map((f) => unlink(join(ws.dir, f)).catch(() => undefined)));
}
