/**
 * Text students read, given as one string or per language ({ en, ja }). Pure: the caller passes
 * the --lang flag and the environment. English is required and is the fallback.
 */
import { UsageError } from './errors.ts';

const LANGUAGES = ['en', 'ja'] as const;
export type Language = (typeof LANGUAGES)[number];

export type Localized = string | { en: string; ja?: string | undefined };

const isLanguage = (s: string): s is Language => (LANGUAGES as readonly string[]).includes(s);

/** The language in effect and what chose it, e.g. { lang: 'ja', from: 'LANG=ja_JP.UTF-8' }. */
export type LanguageChoice = { ok: true; lang: Language; from: string } | { ok: false; error: string; hint: string };

/** The POSIX locale variables in their order of precedence; an empty one counts as unset. */
const LOCALE_VARS = ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const;

/**
 * Which language and why: --lang, else LAB_LANG, else the first set locale variable
 * (`ja_JP.UTF-8` → ja), else en. LAB_LANG comes before the locale so a student can read the
 * course in Japanese on a machine whose locale is English (or C, as in many containers).
 * The flag is checked by the command line (choices). A LAB_LANG lab does not know is an error,
 * as `--lang jp` is: ignoring a typo would silently print English. An unknown locale is not an
 * error (it is the machine's, not a choice made for lab): it falls back to en.
 */
export function languageChoice(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): LanguageChoice {
  if (flag && isLanguage(flag)) return { ok: true, lang: flag, from: `--lang ${flag}` };
  const labLang = env.LAB_LANG;
  if (labLang) {
    if (isLanguage(labLang)) return { ok: true, lang: labLang, from: `LAB_LANG=${labLang}` };
    return {
      ok: false,
      error: `LAB_LANG=${labLang} is not a language lab speaks; it speaks ${LANGUAGES.join(', ')}`,
      hint: `export LAB_LANG=ja (or en), or unset LAB_LANG to follow the locale`,
    };
  }
  for (const name of LOCALE_VARS) {
    const locale = env[name];
    if (!locale) continue;
    // The first set variable decides, even when lab does not speak its language (LC_ALL=C → en).
    const code = locale.toLowerCase().split(/[_.@-]/, 1)[0] ?? '';
    return { ok: true, lang: isLanguage(code) ? code : 'en', from: `${name}=${locale}` };
  }
  return { ok: true, lang: 'en', from: 'default: no --lang, LAB_LANG, LC_ALL, LC_MESSAGES or LANG' };
}

/** The language to print in (see languageChoice); an unknown LAB_LANG is a UsageError (exit 2). */
export function pickLanguage(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): Language {
  const choice = languageChoice(flag, env);
  if (!choice.ok) throw new UsageError(choice.error, { hint: choice.hint });
  return choice.lang;
}

/** The text in `lang`, or English when the text has no such version. */
export function pick(text: Localized, lang: Language): string {
  if (typeof text === 'string') return text;
  return (lang === 'ja' ? text.ja : undefined) ?? text.en;
}
