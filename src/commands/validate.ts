import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { displayPath, listLabFiles } from '../config/lab-files.ts';
import { readLabCached, readLabFresh } from '../config/lab-cache.ts';
import type { Context } from '../cli/context.ts';
import { LabFileError, type FileProblem } from '../core/errors.ts';

/** Validate lab files, reporting every problem of every file in one run. */
export async function validate(ctx: Context, opts: { paths: string[] }): Promise<void> {
  const files = opts.paths.length
    ? opts.paths.map((p) => labFileOf(resolve(ctx.cwd, p)))
    : listLabFiles().map((l) => l.file);
  const problems: FileProblem[] = [];
  // The labs lab finds are cached (lab-cache.ts); a file named by path is one being written, read afresh and never stored.
  const read = opts.paths.length ? readLabFresh : (file: string) => readLabCached(file, ctx.env);
  const results = await Promise.all(
    files.map(async (file) => {
      const r = await read(file);
      problems.push(...r.problems);
      return { file: displayPath(file), valid: r.problems.length === 0, problems: r.problems };
    }),
  );
  if (problems.length) throw new LabFileError(problems, 'Fix the problems above, then run lab validate again');
  ctx.out.data({ outcome: 'success', files: results });
  for (const r of results) ctx.out.result(`${ctx.out.c.green('✔')} ${r.file}`);
  ctx.out.result(ctx.out.c.dim(`${results.length} lab file${results.length === 1 ? '' : 's'} valid`));
}

/** A folder stands for its lab.yaml. */
const labFileOf = (path: string): string =>
  existsSync(path) && statSync(path).isDirectory() ? join(path, 'lab.yaml') : path;
