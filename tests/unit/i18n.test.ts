import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.ts';
import { ja } from '../../src/i18n/ja.ts';
import { messages } from '../../src/i18n/index.ts';
import { rendered, samples } from '../helpers/catalog-samples.ts';

/** Kana or kanji: the Japanese catalog's lines are Japanese. */
const JAPANESE = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;
/** Messages that are only a symbol, the same in every language. */
const SYMBOLS = new Set(['tasks.colNumber']);
/** Messages that only arrange their params (already in the reader's language) with punctuation: Japanese punctuation, then. */
const LAYOUTS = new Set(['tasks.nextLine', 'hint.line']);

describe('the catalog of what lab prints (src/i18n)', () => {
  const english = rendered(en);
  const japanese = rendered(ja);

  it('picks English unless the language is ja', () => {
    expect(messages('en')).toBe(en);
    expect(messages('ja')).toBe(ja);
  });

  it('renders every message in both languages with sample params, none empty or with an unfilled param', () => {
    expect([...japanese.keys()]).toEqual([...english.keys()]);
    expect(english.size).toBeGreaterThan(60);
    for (const [key, text] of [...english, ...japanese]) {
      expect(text.trim(), key).not.toBe('');
      expect(text, key).not.toMatch(/undefined|NaN|\[object Object\]|\$\{/);
    }
  });

  it('has samples for exactly the messages that take params', () => {
    for (const [group, entries] of Object.entries(en)) {
      const withParams = Object.entries(entries)
        .filter(([, m]) => typeof m === 'function')
        .map(([k]) => k);
      expect(Object.keys((samples as Record<string, object>)[group]!).sort(), group).toEqual(withParams.sort());
    }
  });

  it('speaks Japanese in every Japanese message but a bare symbol', () => {
    for (const [key, text] of japanese) {
      if (SYMBOLS.has(key)) expect(text, key).toBe(english.get(key));
      else if (LAYOUTS.has(key)) expect(text, key).toMatch(/[（：]/);
      else expect(text, key).toMatch(JAPANESE);
    }
  });

  it('keeps commands, paths and ids as they are in Japanese', () => {
    for (const [key, text] of english) {
      for (const code of text.match(/lab [a-z]+ \d\d(?: haproxy| <task>)?|\/tmp\/ws\/haproxy\.cfg|--[a-z]+/g) ?? []) {
        expect(japanese.get(key), `${key}: ${code}`).toContain(code);
      }
    }
  });

  it('writes Japanese sentences with full-width punctuation: no ASCII ( ) , . : next to kana or kanji', () => {
    for (const [key, text] of japanese) {
      expect(text, key).not.toMatch(
        /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}][(),.:]|[(,][\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u,
      );
    }
  });

  it('keeps the English lines tests and scripts know', () => {
    expect(en.tasks.whenDone({ lab: '02', hasHints: true })).toBe('When done: lab grade 02   Stuck? lab hint 02');
    expect(en.grade.score({ passed: 0, total: 4, percent: 0, solved: 1 })).toBe(
      'Score: 0 of 4 task(s) passed (0%), 1 solved with lab solve (not counted)',
    );
    expect(en.grade.lockedReason({ needs: 'scale-out' })).toBe('needs scale-out to pass first');
    expect(en.hint.line({ heading: en.hint.heading({ n: 1, total: 2 }), task: 'frontend', text: 'x' })).toBe(
      'Hint 1 of 2 for frontend: x',
    );
  });
});
