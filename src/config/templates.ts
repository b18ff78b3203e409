import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SkeletonFile } from '../core/scaffold.ts';
import { PACKAGE_ROOT } from './labs.ts';
import { LAB_CFG_FILE } from '../core/render-lab-cfg.ts';

/** templates/ holds what lab renders from, as readable files (issue 11, "Templates"). */
const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates');

/** The template of the lab-owned 00-lab.cfg of a student lab (core/render-lab-cfg.ts renders it). */
export const readLabCfgTemplate = (): string => readFileSync(join(TEMPLATES_DIR, LAB_CFG_FILE), 'utf8');

/** The skeleton of an exercise lab that `lab new` copies (core/scaffold.ts fills its placeholders). */
const LAB_SKELETON_DIR = join(TEMPLATES_DIR, 'lab');

/** Every file of the skeleton, relative to its folder, in a stable order. */
export function readLabSkeleton(dir = LAB_SKELETON_DIR): SkeletonFile[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort()
    .map((path) => ({ path, text: readFileSync(join(dir, path), 'utf8') }));
}
