/** lab list's catalog: labs grouped by course section, in the order of their first lab; durations summed. */
import { describe, expect, it } from 'vitest';
import { groupBySection, minutesText } from '../../src/core/catalog.ts';

const lab = (id: string, section?: { en: string; ja?: string }, duration?: number) => ({
  id,
  section,
  duration,
  tasks: 3,
  valid: true,
});

describe('groupBySection', () => {
  it.each([
    {
      name: 'sections in the order of their first lab, labs without one last',
      labs: [
        lab('01-a', { en: 'Scaling' }, 45),
        lab('02-b'),
        lab('03-c', { en: 'HA' }, 30),
        lab('04-d', { en: 'Scaling' }, 45),
      ],
      lang: 'en' as const,
      want: [
        { section: 'Scaling', labs: ['01-a', '04-d'], minutes: 90 },
        { section: 'HA', labs: ['03-c'], minutes: 30 },
        { section: null, labs: ['02-b'], minutes: 0 },
      ],
    },
    {
      name: 'by the Japanese name with ja (English where there is none)',
      labs: [lab('01-a', { en: 'Scaling', ja: 'スケーリング戦略の基本' }, 45), lab('02-b', { en: 'HA' })],
      lang: 'ja' as const,
      want: [
        { section: 'スケーリング戦略の基本', labs: ['01-a'], minutes: 45 },
        { section: 'HA', labs: ['02-b'], minutes: 0 },
      ],
    },
    { name: 'no labs', labs: [], lang: 'en' as const, want: [] },
  ])('$name', ({ labs, lang, want }) => {
    expect(groupBySection(labs, lang).map((s) => ({ ...s, labs: s.labs.map((l) => l.id) }))).toEqual(want);
  });

  it.each([
    [undefined, '-'],
    [0, '-'],
    [45, '45 min'],
    [60, '1 h'],
    [90, '1 h 30 min'],
  ])('minutesText(%s) = %s', (m, text) => expect(minutesText(m)).toBe(text));
});
