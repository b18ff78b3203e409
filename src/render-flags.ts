import type { Context } from './context.ts';
import type { Lab } from './core/lab-schema.ts';
import { resolveOptions, type RenderFlags, type RenderOptions } from './core/options.ts';

/** Resolve command-line render flags against a lab, adding LAB_IMAGES and printing warnings. */
export function resolveFlags(ctx: Context, lab: Lab, flags: RenderFlags): RenderOptions {
  const fromEnv = (ctx.env.LAB_IMAGES ?? '').split(/[,\s]+/).filter(Boolean);
  const { options, warnings } = resolveOptions(lab, { ...flags, image: [...fromEnv, ...(flags.image ?? [])] });
  for (const w of warnings) ctx.out.warn(w);
  return options;
}
