import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashOnce } from './build-hash.ts';
import { checkLabFiles, displayPath, findLab, readLabText, type LoadedLab } from './lab-files.ts';
import { labHome } from './lab-home.ts';
import type { Lab } from '../core/lab-schema.ts';
import { LabFileError, type FileProblem } from '../core/errors.ts';

/**
 * `lab list`, `show` and `validate` read lab files the same way, time after time: parsing them
 * with yaml and validating them with zod cost several times Node's own start (docs/
 * performance.md). This cache keeps each valid lab as validated, in $LAB_HOME/cache/labs, one entry
 * per lab file, under a key that is the hash of lab's build and of the file's whole text: any
 * change of either is a miss, which parses and validates again. What only the file system can
 * tell (Dockerfiles, solution and starter files) is checked on every read, hit or miss. Only
 * these three read-only commands use it, for the labs lab finds in its lab directories (a
 * bounded set); commands that start or grade labs parse every time.
 */

/** The build's own id (scripts/build.mjs: a hash of the sources and dependencies); unset when run from src, which caches nothing. */
declare const __LAB_BUILD_ID__: string | undefined;
const BUILD_ID = typeof __LAB_BUILD_ID__ === 'string' ? __LAB_BUILD_ID__ : undefined;

type Read = { lab?: LoadedLab; problems: FileProblem[] };

/** The labs lab ships all build ../../compose/whoami: `lab list` hashes it once, not once per lab. */
const hashOf = hashOnce();

/** readLab (labs.ts), answered from the cache when the file and the build are those it was cached for. */
export async function readLabCached(
  file: string,
  env: NodeJS.ProcessEnv,
  build = BUILD_ID,
  displayName = displayPath(file),
): Promise<Read> {
  const full = () => readLabFresh(file, displayName);
  if (!build) return full();
  const read = readLabText(file, displayName);
  if ('problems' in read) return read;
  const key = createHash('sha256').update(`${build}\0${read.text}`).digest('hex');
  const entry = join(
    labHome(env),
    'cache',
    'labs',
    `${createHash('sha256').update(file).digest('hex').slice(0, 32)}.json`,
  );
  const cached = hit(entry, key);
  if (cached) {
    // Problems need their line and column, which only the parsed document knows: parse again to report them.
    const { loaded, problems } = checkLabFiles(cached, file, displayName, () => ({ line: 1, col: 1 }), hashOf);
    return problems.length ? full() : { lab: loaded, problems };
  }
  const fresh = await full();
  if (fresh.lab) store(entry, key, fresh.lab.lab);
  return fresh;
}

/** readLab (labs.ts) without the cache, loading yaml and zod only now. */
export const readLabFresh = async (file: string, displayName = displayPath(file)): Promise<Read> =>
  (await import('./labs.ts')).readLab(file, displayName, hashOf);

/** loadLab (labs.ts) through the cache. */
export async function loadLabCached(ref: string, env: NodeJS.ProcessEnv): Promise<LoadedLab> {
  const { file } = findLab(ref);
  const { lab, problems } = await readLabCached(file, env);
  if (!lab) throw new LabFileError(problems, `Fix the file, then run: lab validate ${displayPath(file)}`);
  return lab;
}

function hit(entry: string, key: string): Lab | undefined {
  try {
    const value = JSON.parse(readFileSync(entry, 'utf8')) as { key?: unknown; lab?: Lab };
    return value.key === key && value.lab && typeof value.lab === 'object' ? value.lab : undefined;
  } catch {
    return undefined; // no entry yet, or one that is not JSON: a miss
  }
}

/** Best effort: a LAB_HOME lab cannot write to only costs the next run its parse. Written whole, then renamed, so a reader never sees half an entry. */
function store(entry: string, key: string, lab: Lab): void {
  const tmp = `${entry}.${process.pid}.tmp`;
  try {
    mkdirSync(join(entry, '..'), { recursive: true });
    writeFileSync(tmp, JSON.stringify({ key, lab }));
    renameSync(tmp, entry);
  } catch {
    // read-only or missing LAB_HOME (or a file in its place): nothing cached, nothing left behind
    try {
      rmSync(tmp, { force: true });
    } catch {}
  }
}
