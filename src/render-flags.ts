import type { Context } from './context.ts';
import type { Lab } from './core/lab-schema.ts';
import { resolveOptions, type RenderFlags, type RenderOptions } from './core/options.ts';
import { envImagePairs } from './instructor/labs-io.ts';

/** Resolve command-line render flags against a lab, adding LAB_IMAGES and printing warnings. */
export function resolveFlags(ctx: Context, lab: Lab, flags: RenderFlags): RenderOptions {
  const fromEnv = envImagePairs(ctx.env);
  const { options, warnings } = resolveOptions(lab, { ...flags, image: [...fromEnv, ...(flags.image ?? [])] });
  for (const w of warnings) ctx.out.warn(w);
  return options;
}
