import { describe, expect, it } from 'vitest';
import { haproxyWords, UNKNOWN } from '../../src/core/haproxy-words.ts';

/**
 * The expected words are what HAProxy 3.0.11 printed for the same text with `.notice` (lab's
 * HAProxy image, P=1936, L="a b   c", EMPTY set to "", NOPE unset, X unknown to lab).
 */
const env: Record<string, string | undefined> = { P: '1936', L: 'a b   c', EMPTY: '', NOPE: undefined, '.LINE': '12' };
const lookup = (name: string) => (name in env ? env[name] : UNKNOWN);

describe("HAProxy's words: haproxyWords", () => {
  it.each([
    ['    bind :8080', ['bind', ':8080']],
    ['bind "*:${P}"', ['bind', '*:1936']],
    ['bind ":$P"', ['bind', ':1936']],
    ['bind :$P', ['bind', ':$P']],
    ['bind :${P}', ['bind', ':${P}']],
    ["bind ':${P}'", ['bind', ':${P}']],
    ['bind "x"${P}', ['bind', 'x${P}']],
    ['x "A ${P} $P"', ['x', 'A 1936 1936']],
    ['x "${NOPE-dflt} ${EMPTY-dflt} ${NOPE} end"', ['x', 'dflt   end']],
    ['x "${NOPE-${P}}"', ['x', '${P}']],
    ['x "${NOPE-a}b}"', ['x', 'ab}']],
    ['x "$P1 ${P}1 \\$P"', ['x', `${UNKNOWN} 19361 $P`]],
    ['x a\\$b', ['x', 'a\\$b']],
    ['x a\\ab', ['x', 'a\\ab']],
    ['x "a\\x3a${P}"', ['x', 'a:1936']],
    ['x \\x3a\\x31936', ['x', ':1936']],
    ['x "${P}"\'$P\'"$P"', ['x', '1936$P1936']],
    ['x "${P}"#x', ['x', '1936']],
    ['x x"${P}"y#z', ['x', 'x1936y']],
    ['x "${P}" # comment', ['x', '1936']],
    ['x "${L[*]}" end', ['x', 'a', 'b', 'c', 'end']],
    ['x "${NOPE[*]}" "zz"', ['x', 'zz']],
    ['x "$.LINE ${.LINE}"', ['x', '12 12']],
    ['x a\\ b \\#c d', ['x', 'a b', '#c', 'd']],
    ['x "${X}" ":${X-1}"', ['x', UNKNOWN, `:${UNKNOWN}`]],
    ['x "${X[*]}"', ['x', UNKNOWN]],
    ['', []],
    ['   # only a comment', []],
  ])('%j', (line, words) => {
    expect(haproxyWords(line, lookup)).toEqual(words);
  });
});
