import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseVariant, type Variant, VARIANTS_DIR } from '../core/exercises/variants.ts';

/** A lab's variant files (core/exercises/variants.ts), in name order, each parsed or with its problem. */
export interface VariantFile {
  /** Path from the lab's folder, e.g. variants/health-checks.ok-listen.cfg: what lab test shows. */
  name: string;
  path: string;
  variant?: Variant;
  problem?: string;
}

export function readVariants(labFile: string): VariantFile[] {
  const dir = join(dirname(labFile), VARIANTS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cfg'))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      const parsed = parseVariant(readFileSync(path, 'utf8'));
      return {
        name: `${VARIANTS_DIR}/${f}`,
        path,
        ...('variant' in parsed ? { variant: parsed.variant } : { problem: parsed.problem }),
      };
    });
}
