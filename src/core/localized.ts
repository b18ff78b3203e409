/**
 * Text students read, given as one string or per language ({ en, ja }). Pure: the caller passes
 * the --lang flag and the environment. English is required and is the fallback.
 */
export const LANGUAGES = ['en', 'ja'] as const;
export type Language = (typeof LANGUAGES)[number];

export type Localized = string | { en: string; ja?: string | undefined };

/**
 * The language to print in: --lang, else the POSIX locale variables in their order of
 * precedence (LC_ALL, LC_MESSAGES, LANG; `ja_JP.UTF-8` → ja), else en. The flag is checked
 * by the command line (choices); an unknown locale falls back to en.
 */
export function pickLanguage(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): Language {
  if (flag && (LANGUAGES as readonly string[]).includes(flag)) return flag as Language;
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  const code = locale.toLowerCase().split(/[_.@-]/, 1)[0];
  return (LANGUAGES as readonly string[]).includes(code ?? '') ? (code as Language) : 'en';
}

/** The text in `lang`, or English when the text has no such version. */
export function pick(text: Localized, lang: Language): string {
  if (typeof text === 'string') return text;
  return (lang === 'ja' ? text.ja : undefined) ?? text.en;
}
