import { en } from '../../src/i18n/en.ts';
import { rendered, samples } from './catalog-samples.ts';

/**
 * The English words of the catalog a reader would notice: each message rendered with its sample
 * params, cut at the params, keeping pieces of two or more English words (`When done:`, not
 * `lab grade` alone, which is a command every language prints).
 */
export function englishFragments(): string[] {
  const found = new Set<string>();
  for (const [key, text] of rendered(en)) {
    const [group, name] = key.split(' ')[0]!.split('.') as [string, string];
    const params = Object.values(
      (samples as Record<string, Record<string, Record<string, unknown>> | undefined>)[group]?.[name] ?? {},
    ).map(String);
    let pieces = [text];
    for (const p of [...params, ...(text.match(/\d+/g) ?? [])].filter((p) => p.length > 1 || /\d/.test(p)))
      pieces = pieces.flatMap((s) => s.split(p));
    for (const piece of pieces) {
      const words = piece.replace(/\blab [a-z]+\b/g, ' ').trim();
      if (/[A-Za-z]{2,}[^A-Za-z]+[A-Za-z]{2,}/.test(words)) found.add(words);
    }
  }
  return [...found];
}
