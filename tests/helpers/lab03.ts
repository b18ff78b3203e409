import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLab, type LoadedLab } from '../../src/config/labs.ts';
import type { Lab } from '../../src/core/lab-schema.ts';
import { formatProblem } from '../../src/core/errors.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const LABS_DIR = join(REPO_ROOT, 'labs');
export const LAB03_ID = '03-load-balancing';
export const LAB03_FILE = join(LABS_DIR, LAB03_ID, 'lab.yaml');
/** The real build context of lab 03's app (has a Dockerfile). */
export const WHOAMI_CONTEXT = join(REPO_ROOT, 'compose', 'whoami');

export const lab03Text = (): string => readFileSync(LAB03_FILE, 'utf8');

/** Lab 03 as `lab` loads it; fails loudly with every problem if the file is invalid. */
export function loadLab03(): LoadedLab {
  const { lab, problems } = readLab(LAB03_FILE);
  if (!lab) throw new Error(`lab 03 is invalid:\n${problems.map(formatProblem).join('\n')}`);
  return lab;
}

export const lab03 = (): Lab => loadLab03().lab;
