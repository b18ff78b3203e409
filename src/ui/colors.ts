import { Chalk, type ChalkInstance } from 'chalk';
import { plainPalette, type Palette } from '../core/palette.ts';

/**
 * The only module that imports chalk. chalk 5 ignores NO_COLOR (it reads only FORCE_COLOR and
 * --color/--no-color in argv), so the decision is made here: https://no-color.org
 */
export function colorsEnabled(env: NodeJS.ProcessEnv, argv: string[], isTTY: boolean): boolean {
  if (argv.includes('--no-color') || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return isTTY && env.TERM !== 'dumb';
}

export function makeColors(enabled: boolean): Palette {
  const c: ChalkInstance = new Chalk({ level: enabled ? 1 : 0 });
  return { green: c.green, red: c.red, yellow: c.yellow, cyan: c.cyan, dim: c.dim, bold: c.bold };
}

/** No colours: what a disabled chalk would print, without loading chalk's level detection. */
export const plainColors: Palette = plainPalette;
