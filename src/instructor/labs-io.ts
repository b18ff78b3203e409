import { listLabFiles, readLab, type LoadedLab } from '../config/labs.ts';
import { resolveOptions } from '../core/options.ts';
import type { LabImages } from './needed-images.ts';

/** LAB_IMAGES as FROM=TO pairs (the variable `lab up` reads too). */
export const envImagePairs = (env: NodeJS.ProcessEnv): string[] => (env.LAB_IMAGES ?? '').split(/[,\s]+/).filter(Boolean);

/**
 * Every lab that loads, with its image substitutions (LAB_IMAGES, then --image pairs). A broken
 * lab file is skipped: doctor and reset must still work when someone is editing one.
 */
export function allLabImages(env: NodeJS.ProcessEnv, extraPairs: string[] = []): (LabImages & { loaded: LoadedLab })[] {
  return listLabFiles().flatMap(({ file }) => {
    const { lab } = readLab(file);
    if (!lab) return [];
    const { images } = resolveOptions(lab.lab, { image: [...envImagePairs(env), ...extraPairs] }).options;
    return [{ lab: lab.lab, buildContext: lab.buildContext, images, loaded: lab }];
  });
}
