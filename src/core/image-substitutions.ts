/**
 * Image substitutions (FROM=TO: run TO wherever a lab names FROM) come from three places, from
 * weakest to strongest: the images file in LAB_HOME (written by `npm run setup` on a machine
 * without a registry, or by hand), LAB_IMAGES, and --image. Parsing and precedence are here,
 * pure; config/images-file.ts reads the file and the environment.
 */
import { EnvironmentError, type FileProblem, UsageError } from './errors.ts';

export type ImageSource = { kind: 'file'; file: string; line: number } | { kind: 'env' } | { kind: 'option' };

export interface ImagePair {
  from: string;
  to: string;
  source: ImageSource;
}

/** A substitution in effect, with the weaker settings of the same image it wins over. */
export interface Substitution extends ImagePair {
  overrides: ImageSource[];
}

// Characters of an image reference; nothing that could start a new line, a comment or an
// interpolation in the compose file.
const IMAGE = /^[A-Za-z0-9._\-/:@+]+$/;
export const EXAMPLE_PAIR = 'haproxy:3.0=mirror.local/haproxy:3.0';

/** "FROM=TO" as its two references, or undefined when it is not exactly that. */
export function parseImagePair(pair: string): { from: string; to: string } | undefined {
  const [from, to, ...rest] = pair.split('=');
  return from && to && rest.length === 0 && IMAGE.test(from) && IMAGE.test(to) ? { from, to } : undefined;
}

/** LAB_IMAGES's pairs: separated by commas or white space. */
export const envImagePairs = (value: string | undefined): string[] => (value ?? '').split(/[,\s]+/).filter(Boolean);

/**
 * Pairs from LAB_IMAGES or --image; a malformed one names where it came from: a usage error for
 * --image, an environment error for LAB_IMAGES (the command line was fine; the variable is not).
 */
export function pairsFrom(pairs: readonly string[], source: { kind: 'env' } | { kind: 'option' }): ImagePair[] {
  return pairs.map((pair) => {
    const parsed = parseImagePair(pair);
    if (!parsed) {
      if (source.kind === 'option')
        throw new UsageError(`--image "${pair}" must look like FROM=TO, e.g. ${EXAMPLE_PAIR}`);
      throw new EnvironmentError(`LAB_IMAGES: "${pair}" must look like FROM=TO, e.g. ${EXAMPLE_PAIR}`, {
        hint: `LAB_IMAGES holds FROM=TO pairs separated by commas, e.g. LAB_IMAGES=${EXAMPLE_PAIR}; fix or unset it`,
      });
    }
    return { ...parsed, source };
  });
}

/**
 * The images file: one FROM=TO per line; `#` starts a comment (image references have none),
 * blank lines are ignored. Every malformed or repeated line is a problem at its line.
 */
export function parseImagesFile(text: string, file: string): { pairs: ImagePair[]; problems: FileProblem[] } {
  const pairs: ImagePair[] = [];
  const problems: FileProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const content = raw.replace(/#.*/, '');
    const entry = content.trim();
    if (!entry) return;
    const col = content.length - content.trimStart().length + 1;
    const parsed = parseImagePair(entry);
    const earlier = parsed && pairs.find((p) => p.from === parsed.from);
    if (!parsed)
      problems.push({ file, line, col, key: '', message: `"${entry}" must look like FROM=TO, e.g. ${EXAMPLE_PAIR}` });
    else if (earlier?.source.kind === 'file')
      problems.push({
        file,
        line,
        col,
        key: '',
        message: `${parsed.from} is already substituted on line ${earlier.source.line}`,
      });
    else pairs.push({ ...parsed, source: { kind: 'file', file, line } });
  });
  return { pairs, problems };
}

/** Layers from weakest to strongest: for each FROM, the last setting wins. Pure. */
export function mergeSubstitutions(layers: readonly (readonly ImagePair[])[]): Substitution[] {
  const byFrom = new Map<string, Substitution>();
  for (const pair of layers.flat()) {
    const earlier = byFrom.get(pair.from);
    // Delete first so the map lists substitutions in the order of the setting that won.
    byFrom.delete(pair.from);
    byFrom.set(pair.from, { ...pair, overrides: earlier ? [...earlier.overrides, earlier.source] : [] });
  }
  return [...byFrom.values()];
}

/** FROM → TO, as the renderers take it. */
export const substitutionMap = (subs: readonly Substitution[]): Record<string, string> =>
  Object.fromEntries(subs.map((s) => [s.from, s.to]));

/** Where a setting comes from, as doctor shows it: --image, LAB_IMAGES, or file:line. */
const describeSource = (s: ImageSource): string =>
  s.kind === 'option' ? '--image' : s.kind === 'env' ? 'LAB_IMAGES' : `${s.file}:${s.line}`;

/** One substitution for doctor: "haproxy:3.0 → x (LAB_IMAGES, over /h/images.conf:2)". */
export const describeSubstitution = (s: Substitution): string =>
  `${s.from} → ${s.to} (${describeSource(s.source)}${s.overrides.length ? `, over ${s.overrides.map(describeSource).join(', ')}` : ''})`;
