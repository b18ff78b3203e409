import { describe, expect, it } from 'vitest';
import { readLabSkeleton } from '../../src/config/templates.ts';
import { UsageError } from '../../src/core/errors.ts';
import { checkNewId, checkTitle, freeNumber, renderSkeleton, suggestId, titleFromId } from '../../src/core/scaffold.ts';

const KNOWN = ['02-haproxy-config', '03-load-balancing'];

describe('lab new: which ids it refuses (checkNewId)', () => {
  it.each([
    ['Foo', /"Foo" is not a lab id: a lab id is two digits, a dash, then lowercase words/, 'e.g. lab new 01-foo'],
    ['7-sticky', /"7-sticky" is not a lab id/, 'e.g. lab new 01-sticky'],
    ['07_sticky', /is not a lab id/, 'e.g. lab new 01-sticky'],
    ['07-', /is not a lab id/, 'e.g. lab new 01-my-lab'],
    ['../07-x', /is not a lab id/, 'e.g. lab new 01-x'],
    [
      '03-load-balancing',
      /^Lab 03-load-balancing already exists$/,
      'Choose another id, e.g. lab new 01-load-balancing',
    ],
    ['03-other', /^Lab number 03 is taken by 03-load-balancing/, 'Choose a free number, e.g. lab new 01-other'],
  ])('%j is refused (exit 2) with the allowed form and the next command', (id, message, hint) => {
    let thrown: unknown;
    try {
      checkNewId(id, KNOWN);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as UsageError).message).toMatch(message);
    expect((thrown as UsageError).exitCode).toBe(2);
    expect((thrown as UsageError).hint).toContain(hint);
  });

  it.each(['07-sticky-sessions', '01-x', '99-a1-b2'])('%j is accepted', (id) => {
    expect(() => checkNewId(id, KNOWN)).not.toThrow();
  });

  it('suggests the smallest free number', () => {
    expect(freeNumber(['01-a', '02-b', '04-c'])).toBe('03');
    expect(freeNumber(Array.from({ length: 99 }, (_, i) => `${String(i + 1).padStart(2, '0')}-x`))).toBeUndefined();
    expect(suggestId('Sticky Sessions!', ['01-a'])).toBe('02-sticky-sessions');
  });
});

describe('lab new: title', () => {
  it.each([
    ['07-sticky-sessions', 'Sticky sessions'],
    ['01-x', 'X'],
  ])('%j → %j', (id, title) => expect(titleFromId(id)).toBe(title));
  it.each(['', '   ', 'two\nlines'])('%j is refused', (t) => expect(() => checkTitle(t)).toThrow(UsageError));
});

describe("lab new: the skeleton's placeholders (renderSkeleton)", () => {
  const values = {
    id: '07-sticky-sessions',
    title: 'Sticky: "cookies" # yes',
    whoamiContext: '../../compose/whoami',
    schema: '../lab.schema.json',
    labFile: 'labs/07-sticky-sessions/lab.yaml',
  };

  it('fills every placeholder of every skeleton file, and quotes what lands in YAML', () => {
    const files = renderSkeleton(readLabSkeleton(), values);
    expect(files.map((f) => f.path)).toEqual(['lab.yaml', 'solutions/frontend.cfg', 'starter.cfg']);
    for (const f of files) expect(f.text, f.path).not.toMatch(/@[A-Z_]+@/);
    const yaml = files[0]!.text;
    expect(yaml).toContain('id: 07-sticky-sessions\n');
    expect(yaml).toContain('title: "Sticky: \\"cookies\\" # yes"\n');
    expect(yaml).toContain('context: "../../compose/whoami"\n');
    expect(yaml).toContain('lab apply 07');
  });

  it('an unknown placeholder is a bug in the skeleton', () => {
    expect(() => renderSkeleton([{ path: 'x.cfg', text: '@NOPE@' }], values)).toThrow(
      /templates\/lab\/x.cfg names an unknown placeholder @NOPE@/,
    );
  });
});
