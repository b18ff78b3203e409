import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { Context } from '../cli/context.ts';
import type { OptionsOf } from '../cli/options.ts';
import { displayPath, listLabFiles, PACKAGE_ROOT } from '../config/labs.ts';
import { readLabSkeleton } from '../config/templates.ts';
import { UsageError } from '../core/errors.ts';
import { shortId } from '../core/lab-id.ts';
import { checkNewId, checkTitle, renderSkeleton, titleFromId } from '../core/scaffold.ts';
import type { newCommand } from './new.command.ts';

export type NewOptions = OptionsOf<typeof newCommand> & { id: string };

/** Files an author edits and lab reads: readable by everyone (HAProxy's user reads the starter through a bind mount). */
const FILE_MODE = 0o644;
const DIR_MODE = 0o755;

/**
 * Scaffold a lab from the skeleton: refuse an id that is not a lab id or that exists (nothing
 * written), then write each file new (never over an existing one) and say what to run next.
 */
export async function newLab(ctx: Context, opts: NewOptions): Promise<void> {
  const fromEnv = (ctx.env.LAB_LABS_DIR ?? '').split(':').filter(Boolean);
  const labsDir = resolve(ctx.cwd, opts.dir ?? fromEnv[0] ?? 'labs');
  const title = opts.title ?? titleFromId(opts.id);
  checkTitle(title);
  const inLabsDir = await readdir(labsDir).catch(() => [] as string[]);
  const known = [
    ...new Set([...inLabsDir, ...listLabFiles([labsDir, ...fromEnv, join(PACKAGE_ROOT, 'labs')]).map((l) => l.id)]),
  ];
  checkNewId(opts.id, known);

  const target = join(labsDir, opts.id);
  const labFile = join(target, 'lab.yaml');
  // Paths into lab's own folder: relative when the lab lives inside it (the repository's labs/), else absolute.
  const insideLab = !relative(PACKAGE_ROOT, target).startsWith('..');
  const toLab = (...p: string[]) => (insideLab ? relative(target, join(PACKAGE_ROOT, ...p)) : join(PACKAGE_ROOT, ...p));
  const files = renderSkeleton(readLabSkeleton(), {
    id: opts.id,
    title,
    whoamiContext: toLab('compose', 'whoami'),
    schema: toLab('labs', 'lab.schema.json'),
    labFile: displayPath(labFile),
  });

  await mkdir(labsDir, { recursive: true });
  await mkdir(target, { mode: DIR_MODE }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EEXIST')
      throw new UsageError(`Lab ${opts.id} already exists: ${target}`, {
        hint: 'Choose another id; lab new never writes into an existing lab',
      });
    throw e;
  });
  await chmod(target, DIR_MODE);
  const written: string[] = [];
  for (const f of files) {
    const path = join(target, f.path);
    if (dirname(path) !== target) await mkdir(dirname(path), { recursive: true, mode: DIR_MODE });
    // 'wx': never over a file, even one that appeared meanwhile.
    await writeFile(path, f.text, { flag: 'wx', mode: FILE_MODE });
    await chmod(path, FILE_MODE);
    written.push(path);
  }

  const short = shortId(opts.id);
  const findable = [...fromEnv.map((d) => resolve(ctx.cwd, d)), join(PACKAGE_ROOT, 'labs')].includes(labsDir);
  const next = [
    `lab validate ${displayPath(labFile)}`,
    `${findable ? '' : `LAB_LABS_DIR=${displayPath(labsDir)} `}lab test ${short}`,
  ];
  ctx.out.data({ outcome: 'success', lab: opts.id, dir: target, title, files: written, next });
  ctx.out.result(`Lab ${opts.id} scaffolded in ${displayPath(target)}:`);
  for (const w of written) ctx.out.result(`  wrote ${displayPath(w)}`);
  ctx.out.result('\nNext:');
  ctx.out.result(`  ${next[0]}   # the skeleton is valid; so must your edits be`);
  ctx.out.result(`  ${next[1]}   # starts it: each task must FAIL on the starter, then PASS after its solution`);
  ctx.out.result(
    ctx.out.c.dim(
      `\nStill to write: the TODOs in lab.yaml and starter.cfg, and solutions/frontend.cfg (lab test says so until it is).${findable ? '' : `\nlab finds the lab by its number once LAB_LABS_DIR names ${displayPath(labsDir)}.`}`,
    ),
  );
}
