import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labHome } from './lab-home.ts';
import {
  envImagePairs,
  mergeSubstitutions,
  pairsFrom,
  parseImagesFile,
  type ImagePair,
  type Substitution,
} from '../core/image-substitutions.ts';
import { EnvironmentError, formatProblem, UsageError } from '../core/errors.ts';

/** The persistent substitutions: $LAB_HOME/images.conf (docs/commands.md, "Environment"). */
export const imagesFilePath = (env: NodeJS.ProcessEnv): string => join(labHome(env), 'images.conf');

/** The images file's pairs; none when there is no file. A malformed file is a usage error at its lines. */
function readImagesFile(env: NodeJS.ProcessEnv): ImagePair[] {
  const file = imagesFilePath(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    // ENOTDIR: LAB_HOME is a file or under one; the first write into LAB_HOME says so, naming it.
    if (['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return [];
    throw new EnvironmentError(`Cannot read ${file}: ${(e as Error).message}`, {
      hint: `Make it a readable file, or remove it: rm ${file}`,
    });
  }
  const { pairs, problems } = parseImagesFile(text, file);
  if (problems.length) {
    throw new UsageError(`${problems.length} problem(s) in the image substitutions of ${file}`, {
      details: problems.map(formatProblem),
      hint: `Fix the line(s), or remove the file (npm run setup writes it again where it is needed): rm ${file}`,
    });
  }
  return pairs;
}

/** Every substitution in effect: the images file, then LAB_IMAGES, then --image, the later winning. */
export const imageSubstitutions = (env: NodeJS.ProcessEnv, options: readonly string[] = []): Substitution[] =>
  mergeSubstitutions([
    readImagesFile(env),
    pairsFrom(envImagePairs(env.LAB_IMAGES), { kind: 'env' }),
    pairsFrom(options, { kind: 'option' }),
  ]);
