import { hashOnce } from './build-hash.ts';
import { parseLab } from './parse-lab.ts';
import { checkLabFiles, displayPath, findLab, readLabText, type LoadedLab } from './lab-files.ts';
import { taskProblems } from '../core/exercises/task-problems.ts';
import { LabFileError, type FileProblem } from '../core/errors.ts';

// Finding lab files lives in lab-files.ts (no yaml or zod there); its names stay importable from here.
export {
  displayPath,
  findLab,
  labsDirs,
  listLabFiles,
  PACKAGE_ROOT,
  type LabFile,
  type LoadedLab,
} from './lab-files.ts';

/** Read, parse and validate a lab file, also checking what only the file system can tell. */
export function readLab(
  file: string,
  displayName = displayPath(file),
  hashOf = hashOnce(),
): { lab?: LoadedLab; problems: FileProblem[] } {
  const read = readLabText(file, displayName);
  if ('problems' in read) return read;
  const parsed = parseLab(read.text, displayName);
  if (!parsed.ok) return { problems: parsed.problems };
  const { lab, keyPosition } = parsed;
  const { loaded, problems } = checkLabFiles(lab, file, displayName, keyPosition, hashOf);
  problems.push(...taskProblems(lab.tasks, lab.quiz, displayName, keyPosition, lab.clients));
  if (problems.length) return { problems: problems.sort((a, b) => a.line - b.line || a.col - b.col) };
  return { lab: loaded, problems };
}

/** Load a lab by reference or throw one LabFileError with all its problems. */
export function loadLab(ref: string): LoadedLab {
  const { file } = findLab(ref);
  const { lab, problems } = readLab(file);
  if (!lab) throw new LabFileError(problems, `Fix the file, then run: lab validate ${displayPath(file)}`);
  return lab;
}
