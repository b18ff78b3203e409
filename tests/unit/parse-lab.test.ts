import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/config/parse-lab.ts';
import { formatProblem, type FileProblem } from '../../src/core/errors.ts';
import { LAB03_ID, lab03Text } from '../helpers/lab03.ts';

/** A small valid lab; tests replace single lines so every line number below stays put. */
const BASE = [
  'id: 03-load-balancing', //       1
  'title: Load balancing', //       2
  'summary: A lab.', //             3
  'goals:', //                      4
  '  - See traffic spread.', //     5
  'app:', //                        6
  '  image: lab/whoami:1', //       7
  '  port: 8000', //                8
  '  health: /health', //           9
  'loadBalancer:', //              10
  '  image: haproxy:3.0', //       11
  '  algorithm: roundrobin', //    12
  '  mode: http', //               13
  'defaults:', //                  14
  '  replicas: 3', //              15
  '  appPort: 8080', //            16
  '  statsPort: 1936', //          17
  '  sticky: false', //            18
  '  statsUser: admin', //         19
  '  statsPassword: admin', //     20
];

/** BASE with some lines replaced (1-based); a replacement may span several lines only at the end. */
const edit = (changes: Record<number, string>): string =>
  `${BASE.map((line, i) => changes[i + 1] ?? line).join('\n')}\n`;

const problemsOf = (text: string): FileProblem[] => {
  const result = parseLab(text, 'lab.yaml');
  if (result.ok) throw new Error('expected the lab to be rejected, but it parsed');
  return result.problems;
};

interface Case {
  name: string;
  text: string;
  at: `${number}:${number}`;
  key: string;
  message: RegExp;
}
const _ = (name: string, changes: Record<number, string>, at: Case['at'], key: string, message: RegExp): Case => ({
  name,
  text: edit(changes),
  at,
  key,
  message,
});

describe('parseLab', () => {
  it('accepts the base lab used by these tests', () => {
    expect(parseLab(edit({}), 'lab.yaml').ok).toBe(true);
  });

  it('parses the real lab 03 file, filling in nothing it states itself', () => {
    const result = parseLab(lab03Text(), 'labs/03-load-balancing/lab.yaml');
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    expect(result.lab.id).toBe(LAB03_ID);
    expect(result.lab.loadBalancer).toMatchObject({ algorithm: 'roundrobin', mode: 'http' });
    expect(result.lab.defaults).toEqual({
      replicas: 3,
      appPort: 8080,
      statsPort: 1936,
      sticky: false,
      statsUser: 'admin',
      statsPassword: 'admin',
    });
    expect(result.lab.app?.build?.context).toBe('../../compose/whoami');
    expect(result.lab.checks.map((c) => c.kind)).toContain('distribution');
  });

  it('fills in the defaults a lab file leaves out', () => {
    const text = `${BASE.slice(0, 13).join('\n')}\n`;
    const result = parseLab(text, 'lab.yaml');
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    expect(result.lab.defaults).toMatchObject({ replicas: 3, appPort: 8080, statsPort: 1936, sticky: false });
    expect(result.lab.checks).toEqual([]);
  });

  describe('reports one problem at the offending key or value', () => {
    const INJECTION = /may only contain letters, digits and \. _ - \/ : @ \+ =/;
    const CREDENTIAL = /may only contain letters, digits and \. _ -$/;
    it.each([
      // Unknown keys point at the key itself and suggest the close one.
      _('unknown root key', { 20: '  statsPassword: admin\nnotes: hi' }, '21:1', 'notes', /^unknown key "notes"$/),
      _(
        'unknown key with no close match',
        { 14: 'defaults:\n  colour: blue' },
        '15:3',
        'defaults.colour',
        /^unknown key "colour"$/,
      ),
      _(
        'unknown nested key (typo)',
        { 15: '  replcias: 3' },
        '15:3',
        'defaults.replcias',
        /^unknown key "replcias" \(did you mean "replicas"\?\)$/,
      ),
      _(
        'unknown key deeper in app',
        { 9: '  health: /health\n  helth: /x' },
        '10:3',
        'app.helth',
        /unknown key "helth"/,
      ),
      // Wrong types.
      _(
        'replicas: "abc"',
        { 15: '  replicas: "abc"' },
        '15:13',
        'defaults.replicas',
        /^must be a number, not a string$/,
      ),
      _('sticky: "yes"', { 18: '  sticky: "yes"' }, '18:11', 'defaults.sticky', /^must be a boolean, not a string$/),
      _('port: 8000.5', { 8: '  port: 8000.5' }, '8:9', 'app.port', /^must be a whole number$/),
      _('replicas with no value', { 15: '  replicas:' }, '15:12', 'defaults.replicas', /^must be a number, not null$/),
      _(
        'goals not a list',
        { 4: 'goals: learn', 5: '# (removed)' },
        '4:8',
        'goals',
        /^must be an array, not a string$/,
      ),
      // Ranges.
      _('replicas: 0', { 15: '  replicas: 0' }, '15:13', 'defaults.replicas', /^must be at least 1$/),
      _('replicas: -1', { 15: '  replicas: -1' }, '15:13', 'defaults.replicas', /^must be at least 1$/),
      _('replicas: 1.5', { 15: '  replicas: 1.5' }, '15:13', 'defaults.replicas', /^must be a whole number$/),
      _('replicas: 101', { 15: '  replicas: 101' }, '15:13', 'defaults.replicas', /^must be at most 100$/),
      _('appPort: 0', { 16: '  appPort: 0' }, '16:12', 'defaults.appPort', /^must be at least 1$/),
      _('statsPort: 70000', { 17: '  statsPort: 70000' }, '17:14', 'defaults.statsPort', /^must be at most 65535$/),
      _('app port: 0', { 8: '  port: 0' }, '8:9', 'app.port', /^must be at least 1$/),
      // Enums name the allowed values.
      _(
        'unknown algorithm',
        { 12: '  algorithm: fastest' },
        '12:14',
        'loadBalancer.algorithm',
        /^must be one of: roundrobin, static-rr, leastconn, source, random, first$/,
      ),
      _(
        'least-response-time is not a lab-file value',
        { 12: '  algorithm: least-response-time' },
        '12:14',
        'loadBalancer.algorithm',
        /^must be one of: roundrobin,/,
      ),
      _('unknown mode', { 13: '  mode: udp' }, '13:9', 'loadBalancer.mode', /^must be one of: http, tcp$/),
      // Missing keys: at the map that lacks them (the document for root keys).
      _('missing title', { 2: '# (removed)' }, '1:1', 'title', /^is required \(string\)$/),
      _('missing app.port', { 8: '# (removed)' }, '7:3', 'app.port', /^is required \(number\)$/),
      _('missing loadBalancer.image', { 11: '# (removed)' }, '12:3', 'loadBalancer.image', /^is required \(string\)$/),
      // Values that would inject lines, comments, interpolation or quotes into haproxy.cfg / compose.yaml.
      _('image with a newline', { 11: '  image: "haproxy:3.0\\n  evil"' }, '11:10', 'loadBalancer.image', INJECTION),
      _('image with $', { 11: '  image: "haproxy:${EVIL}"' }, '11:10', 'loadBalancer.image', INJECTION),
      _('image with a double quote', { 11: `  image: 'haproxy:3.0"'` }, '11:10', 'loadBalancer.image', INJECTION),
      _('image with a single quote', { 11: `  image: "haproxy:3.0'"` }, '11:10', 'loadBalancer.image', INJECTION),
      _('image with #', { 11: '  image: "haproxy:3.0 #evil"' }, '11:10', 'loadBalancer.image', INJECTION),
      _('app image with a space', { 7: '  image: "lab/whoami:1 evil"' }, '7:10', 'app.image', INJECTION),
      _(
        'statsPassword with a space',
        { 20: '  statsPassword: "ad min"' },
        '20:18',
        'defaults.statsPassword',
        CREDENTIAL,
      ),
      _('statsPassword with #', { 20: '  statsPassword: "ad#min"' }, '20:18', 'defaults.statsPassword', CREDENTIAL),
      _('statsUser with :', { 19: '  statsUser: "ad:min"' }, '19:14', 'defaults.statsUser', CREDENTIAL),
      _(
        'health path with a space',
        { 9: '  health: "/he alth"' },
        '9:11',
        'app.health',
        /^must be a path like \/health$/,
      ),
      _('health path without /', { 9: '  health: health' }, '9:11', 'app.health', /^must be a path like \/health$/),
      _('bad id', { 1: 'id: lab-3' }, '1:5', 'id', /^must look like 03-load-balancing/),
    ])('$name', ({ text, at, key, message }) => {
      const problems = problemsOf(text);
      expect(problems.map(formatProblem)).toHaveLength(1);
      const [p] = problems as [FileProblem];
      expect(`${p.line}:${p.col}`).toBe(at);
      expect(p.key).toBe(key);
      expect(p.message).toMatch(message);
      expect(formatProblem(p)).toBe(`lab.yaml:${at} ${key}: ${p.message}`);
    });
  });

  it('a misspelt root key is reported with a suggestion, and the key it replaces as missing', () => {
    expect(
      problemsOf(edit({ 3: 'sumary: A lab.' }))
        .map(formatProblem)
        .sort(),
    ).toEqual([
      'lab.yaml:1:1 summary: is required (string)',
      'lab.yaml:3:1 sumary: unknown key "sumary" (did you mean "summary"?)',
    ]);
  });

  describe('malformed YAML', () => {
    it('an unclosed flow sequence is reported where YAML notices it, naming the missing ]', () => {
      const problems = problemsOf(edit({ 4: 'goals: [See traffic spread.', 5: '# (removed)' }));
      // yaml detects the unclosed [ at the next line that is not indented under it.
      expect(problems.map(formatProblem)).toEqual([
        'lab.yaml:6:1 invalid YAML (BAD_INDENT): Flow sequence in block collection must be sufficiently indented and end with a ]',
      ]);
    });

    it('an unclosed flow sequence at the end of the file', () => {
      const problems = problemsOf('id: 03-load-balancing\ngoals: [a, b');
      expect(problems.map(formatProblem)).toEqual([
        'lab.yaml:2:13 invalid YAML (BAD_INDENT): Flow sequence in block collection must be sufficiently indented and end with a ]',
      ]);
    });

    it('a tab used as indentation is reported first, at the tab', () => {
      const problems = problemsOf(edit({ 20: '\tstatsPassword: admin' }));
      expect(problems[0]).toEqual({
        file: 'lab.yaml',
        line: 20,
        col: 1,
        key: '',
        message: 'invalid YAML (TAB_AS_INDENT): Tabs are not allowed as indentation',
      });
      expect(formatProblem(problems[0]!)).toBe(
        'lab.yaml:20:1 invalid YAML (TAB_AS_INDENT): Tabs are not allowed as indentation',
      );
    });

    it('an unclosed quote', () => {
      const problems = problemsOf(edit({ 20: '  statsPassword: "admin' }));
      expect(problems.map(formatProblem)).toEqual([
        'lab.yaml:21:1 invalid YAML (MISSING_CHAR): Missing closing "quote',
      ]);
    });

    it('yaml\'s own "at line L, column C" suffix is not repeated in the message', () => {
      for (const p of problemsOf(edit({ 20: '\tstatsPassword: admin' }))) {
        expect(p.message).not.toMatch(/at line \d+/);
        expect(p.message).not.toContain('\n');
      }
    });
  });

  describe('duplicate keys', () => {
    it.each<{ name: string; changes: Record<number, string>; at: string; key: string }>([
      { name: 'nested', changes: { 20: '  statsPassword: admin\n  replicas: 4' }, at: '21:3', key: 'replicas' },
      { name: 'root', changes: { 3: 'summary: A lab.\ntitle: Again' }, at: '4:1', key: 'title' },
    ])('$name: reported at the second occurrence with the key name', ({ changes, at, key }) => {
      expect(problemsOf(edit(changes)).map(formatProblem)).toEqual([
        `lab.yaml:${at} ${key}: duplicate key: each key may appear only once in a map`,
      ]);
    });
  });

  it('reports every problem of a file in one result', () => {
    const problems = problemsOf(
      edit({
        1: 'id: three',
        8: '  port: 70000',
        9: '  health: "/he alth"',
        12: '  algorithm: fastest',
        13: '  mode: udp',
        15: '  replicas: 0',
        18: '  sticky: "yes"',
        20: '  statsPassword: "ad min"\n  replcias: 2',
      }),
    );
    expect(problems.map((p) => `${p.line}:${p.col} ${p.key}`).sort(byLine)).toEqual([
      '1:5 id',
      '8:9 app.port',
      '9:11 app.health',
      '12:14 loadBalancer.algorithm',
      '13:9 loadBalancer.mode',
      '15:13 defaults.replicas',
      '18:11 defaults.sticky',
      '20:18 defaults.statsPassword',
      '21:3 defaults.replcias',
    ]);
    expect(problems.every((p) => p.file === 'lab.yaml')).toBe(true);
  });

  it('reports the file name it is given', () => {
    const result = parseLab(edit({ 15: '  replicas: 0' }), 'labs/99-x/lab.yaml');
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
      'labs/99-x/lab.yaml:15:13 defaults.replicas: must be at least 1',
    ]);
  });
});

function byLine(a: string, b: string): number {
  const [la, ca] = a.split(' ')[0]!.split(':').map(Number) as [number, number];
  const [lb, cb] = b.split(' ')[0]!.split(':').map(Number) as [number, number];
  return la - lb || ca - cb;
}
