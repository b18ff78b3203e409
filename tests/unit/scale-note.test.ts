import { describe, expect, it } from 'vitest';
import { scaleNote } from '../../src/commands/scale.ts';

describe('scaleNote: what lab scale says happened to HAProxy', () => {
  it.each([
    [3, 5, false, false, 'no HAProxy restart'],
    [3, 15, true, false, 'config reloaded for more server slots'],
    [15, 3, true, false, 'config reloaded for fewer server slots'], // a scale-down never asks for more slots
    [3, 15, true, true, 'HAProxy recreated for more server slots'],
    [15, 3, true, true, 'HAProxy recreated for fewer server slots'],
  ])('%i → %i (cfg changed %s, recreated %s): %s', (from, to, changed, recreated, want) => {
    expect(scaleNote(from, to, changed, recreated)).toBe(want);
  });
});
