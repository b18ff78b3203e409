import { listLabFiles, readLab, type LoadedLab } from '../config/labs.ts';
import { parseImages, resolveOptions } from '../core/options.ts';
import { EnvironmentError, UsageError } from '../errors.ts';
import type { LabImages } from './needed-images.ts';

/** LAB_IMAGES as FROM=TO pairs (the variable `lab up` reads too); a malformed one is an environment error naming it. */
export function envImagePairs(env: NodeJS.ProcessEnv): string[] {
  const pairs = (env.LAB_IMAGES ?? '').split(/[,\s]+/).filter(Boolean);
  try {
    parseImages(pairs);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    throw new EnvironmentError(`LAB_IMAGES is "${env.LAB_IMAGES}": ${e.message.replace(/^--image /, 'entry ')}`, {
      hint: 'LAB_IMAGES holds FROM=TO pairs separated by commas, e.g. LAB_IMAGES=haproxy:3.0=mirror.local/haproxy:3.0,node:20-alpine=mirror.local/node:20-alpine',
    });
  }
  return pairs;
}

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
