/**
 * The colours lab prints with. Rendering code takes them as a parameter (chalk at the edge,
 * ui/colors.ts; identity in tests and in buffered fleet output) so it stays pure.
 */
export interface Palette {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const same = (s: string) => s;
export const plainPalette: Palette = { green: same, red: same, yellow: same, cyan: same, dim: same, bold: same };
