import type { Language } from '../core/localized.ts';
import { type Catalog, en } from './en.ts';
import { ja } from './ja.ts';

export type { Catalog } from './en.ts';

/**
 * The messages lab prints in `lang` (pickLanguage decides it). Both catalogs are plain objects
 * of small functions: loading them costs nothing worth deferring, but only the commands that
 * print through them import this module, never cli/program.ts, so `lab --help` does not.
 */
export const messages = (lang: Language): Catalog => (lang === 'ja' ? ja : en);
