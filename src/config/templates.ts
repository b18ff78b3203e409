import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './labs.ts';
import { LAB_CFG_FILE } from '../core/render-lab-cfg.ts';

/** templates/ holds what lab renders from, as readable files (issue 11, "Templates"). */
export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates');

/** The template of the lab-owned 00-lab.cfg of a student lab (core/render-lab-cfg.ts renders it). */
export const readLabCfgTemplate = (): string => readFileSync(join(TEMPLATES_DIR, LAB_CFG_FILE), 'utf8');
