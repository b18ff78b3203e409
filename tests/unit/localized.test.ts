import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.ts';
import { languageChoice, pick, pickLanguage } from '../../src/core/localized.ts';

describe('pickLanguage and pick', () => {
  it.each([
    { flag: undefined, env: {}, want: 'en' },
    { flag: undefined, env: { LANG: 'ja_JP.UTF-8' }, want: 'ja' },
    { flag: undefined, env: { LANG: 'ja_JP.UTF-8', LC_ALL: 'en_US.UTF-8' }, want: 'en' },
    { flag: undefined, env: { LANG: 'C.UTF-8' }, want: 'en' },
    { flag: undefined, env: { LANG: 'fr_FR.UTF-8' }, want: 'en' },
    { flag: 'en', env: { LANG: 'ja_JP.UTF-8' }, want: 'en' },
    { flag: 'ja', env: {}, want: 'ja' },
    // The order: --lang, then LAB_LANG, then LC_ALL, LC_MESSAGES, LANG (the first one set decides).
    { flag: 'en', env: { LAB_LANG: 'ja' }, want: 'en' },
    { flag: undefined, env: { LAB_LANG: 'ja', LC_ALL: 'en_US.UTF-8' }, want: 'ja' },
    { flag: undefined, env: { LAB_LANG: 'en', LANG: 'ja_JP.UTF-8' }, want: 'en' },
    { flag: undefined, env: { LAB_LANG: '', LANG: 'ja_JP.UTF-8' }, want: 'ja' },
    { flag: undefined, env: { LC_MESSAGES: 'ja_JP.UTF-8', LANG: 'en_US.UTF-8' }, want: 'ja' },
    { flag: undefined, env: { LC_ALL: '', LC_MESSAGES: '', LANG: 'ja_JP.eucJP' }, want: 'ja' },
    { flag: undefined, env: { LC_ALL: 'C', LANG: 'ja_JP.UTF-8' }, want: 'en' },
  ])('--lang $flag with $env → $want', ({ flag, env, want }) => {
    expect(pickLanguage(flag, env)).toBe(want);
  });
  it.each([
    { flag: 'ja', env: { LAB_LANG: 'en' }, from: '--lang ja' },
    { flag: undefined, env: { LAB_LANG: 'ja', LANG: 'C' }, from: 'LAB_LANG=ja' },
    { flag: undefined, env: { LC_MESSAGES: 'ja_JP.UTF-8', LANG: 'C' }, from: 'LC_MESSAGES=ja_JP.UTF-8' },
    { flag: undefined, env: { LANG: 'fr_FR.UTF-8' }, from: 'LANG=fr_FR.UTF-8' },
  ])('--lang $flag with $env: chosen by $from', ({ flag, env, from }) => {
    expect(languageChoice(flag, env)).toMatchObject({ ok: true, from });
  });
  it('a LAB_LANG lab does not speak is a usage error (exit 2) naming the languages; --lang overrides it', () => {
    const e = (() => {
      try {
        return pickLanguage(undefined, { LAB_LANG: 'jp', LANG: 'ja_JP.UTF-8' });
      } catch (error) {
        return error;
      }
    })();
    expect(e).toBeInstanceOf(UsageError);
    expect(e).toMatchObject({
      exitCode: 2,
      message: 'LAB_LANG=jp is not a language lab speaks; it speaks en, ja',
      hint: 'export LAB_LANG=ja (or en), or unset LAB_LANG to follow the locale',
    });
    expect(pickLanguage('ja', { LAB_LANG: 'jp' })).toBe('ja');
  });
  it.each([
    { text: 'plain', lang: 'ja', want: 'plain' },
    { text: { en: 'Scale out', ja: 'スケールアウト' }, lang: 'ja', want: 'スケールアウト' },
    { text: { en: 'Scale out', ja: 'スケールアウト' }, lang: 'en', want: 'Scale out' },
    { text: { en: 'Only English' }, lang: 'ja', want: 'Only English' },
  ] as const)('$text in $lang → $want', ({ text, lang, want }) => {
    expect(pick(text, lang)).toBe(want);
  });
});
