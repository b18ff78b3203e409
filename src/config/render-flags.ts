import { imageSubstitutions } from './images-file.ts';
import type { Context } from '../cli/context.ts';
import { substitutionMap } from '../core/image-substitutions.ts';
import type { Lab } from '../core/lab-schema.ts';
import { resolveOptions, type RenderFlags, type RenderOptions } from '../core/options.ts';

/**
 * Resolve command-line render flags against a lab, with the image substitutions of the images
 * file and LAB_IMAGES under --image's, and print the warnings.
 */
export function resolveFlags(ctx: Context, lab: Lab, flags: RenderFlags): RenderOptions {
  const images = Object.entries(substitutionMap(imageSubstitutions(ctx.env, flags.image))).map(
    ([from, to]) => `${from}=${to}`,
  );
  const { options, warnings } = resolveOptions(lab, { ...flags, image: images });
  for (const w of warnings) ctx.out.warn(w);
  return options;
}
