import { listLabFiles, readLab, type LoadedLab } from '../config/labs.ts';
import type { LabImages } from '../core/instructor/needed-images.ts';

/**
 * Every lab that loads, with the image substitutions in effect (config/images-file.ts). A broken
 * lab file is skipped: doctor and reset must still work when someone is editing one.
 */
export function allLabImages(images: Record<string, string>): (LabImages & { loaded: LoadedLab })[] {
  return listLabFiles().flatMap(({ file }) => {
    const { lab } = readLab(file);
    if (!lab) return [];
    return [{ lab: lab.lab, builds: lab.builds, images, loaded: lab }];
  });
}
