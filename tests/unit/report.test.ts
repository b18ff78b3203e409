import { describe, expect, it } from 'vitest';
import { plainPalette, type Palette } from '../../src/core/palette.ts';
import { bar, renderDistribution, renderTable, tryNext, tryNextStudent } from '../../src/core/report.ts';
import type { DistributionResult } from '../../src/core/verdicts.ts';
import { ja } from '../../src/i18n/ja.ts';

describe('bar', () => {
  it.each([
    [0, 10, 4, ''],
    [10, 10, 4, '████'],
    [20, 10, 4, '████'], // clamped at max
    [5, 10, 4, '██'],
    [5, 10, 3, '█▌'],
    [1, 8, 1, '▏'],
    [2, 8, 1, '▎'],
    [3, 8, 1, '▍'],
    [4, 8, 1, '▌'],
    [5, 8, 1, '▋'],
    [6, 8, 1, '▊'],
    [7, 8, 1, '▉'],
    [1, 3, 10, '███▍'], // 26.67 eighths → 27: three full cells and 3/8
    [1, 1000, 10, ''], // below half an eighth rounds to nothing
    [5, 0, 10, ''], // no max: no bar
    [-1, 10, 10, ''],
    [5, 10, 0, ''],
  ])('bar(%d, %d, %d) = %j', (value, max, width, expected) => {
    expect(bar(value, max, width)).toBe(expected);
  });

  it('never exceeds its width', () => {
    for (let v = 0; v <= 100; v++) expect(bar(v, 100, 7).length).toBeLessThanOrEqual(7);
  });
});

describe('renderTable', () => {
  it('left-aligns text, right-aligns numeric columns, and trims line ends', () => {
    const table = renderTable(
      [
        ['app1', '7', '33.3%', 'UP'],
        ['app10', '1234', '5.0%', 'DOWN'],
        ['app2', '', '0.0%', ''],
      ],
      ['server', 'requests', 'share', 'state'],
    );
    expect(`\n${table}`).toMatchInlineSnapshot(`
      "
      server  requests  share  state
      ──────  ────────  ─────  ─────
      app1           7  33.3%  UP
      app10       1234   5.0%  DOWN
      app2               0.0%"
    `);
  });

  it('measures width without colour escapes', () => {
    const red = (s: string) => `\u001b[31m${s}\u001b[39m`;
    const table = renderTable(
      [
        [red('app1'), red('12')],
        ['app22', '3'],
      ],
      ['name', 'n'],
    );
    expect(table.split('\n').map((l) => l.replace(/\u001b\[\d+m/g, ''))).toEqual([
      'name    n',
      '─────  ──',
      'app1   12',
      'app22   3',
    ]);
  });

  it('counts Japanese characters as two columns, as a terminal shows them', () => {
    const table = renderTable(
      [
        ['スケールアウト', 'open'],
        ['scale', 'locked'],
      ],
      ['TITLE', 'STATE'],
    );
    expect(table.split('\n')).toEqual([
      'TITLE           STATE',
      '──────────────  ──────',
      'スケールアウト  open',
      'scale           locked',
    ]);
  });

  it('handles ragged rows', () => {
    expect(renderTable([['a'], ['b', 'c', 'd']], ['x', 'y'])).toBe('x  y\n─  ─  ─\na\nb  c  d');
  });
});

describe('renderDistribution', () => {
  const result: DistributionResult = {
    verdict: 'PASS',
    reason: 'Each of the 3 replicas served about 1/3 of 30 requests, as roundrobin should.',
    expectation: 'roundrobin: each of the 3 replicas takes its turn, so each gets about 1/3 of the requests (±20%).',
    rows: [
      { name: 'app1', requests: 11, share: 11 / 30, state: 'UP' },
      { name: 'app2', requests: 10, share: 10 / 30, state: 'UP' },
      { name: 'app3', requests: 9, share: 9 / 30, state: 'UP' },
      { name: 'app4', requests: 0, share: 0, state: 'DOWN' },
    ],
  };

  it('renders a table, the expectation and the verdict', () => {
    expect(`\n${renderDistribution(result)}`).toMatchInlineSnapshot(`
      "
      server  requests  share                        state
      ──────  ────────  ─────  ────────────────────  ─────
      app1          11  36.7%  ████████████████████  UP
      app2          10  33.3%  ██████████████████▏   UP
      app3           9  30.0%  ████████████████▍     UP
      app4           0   0.0%                        DOWN

      expected: roundrobin: each of the 3 replicas takes its turn, so each gets about 1/3 of the requests (±20%).
      PASS Each of the 3 replicas served about 1/3 of 30 requests, as roundrobin should."
    `);
  });

  it('adds the client tally when present, and colours through the palette', () => {
    const tag = (name: string) => (s: string) => `<${name}>${s}</${name}>`;
    const palette: Palette = {
      green: tag('g'),
      red: tag('r'),
      yellow: tag('y'),
      cyan: tag('c'),
      dim: tag('d'),
      bold: tag('b'),
    };
    const failed: DistributionResult = {
      ...result,
      verdict: 'FAIL',
      reason: 'Only 2 of 3 replicas are UP in HAProxy: app3 is DOWN.',
      rows: [
        { name: 'app1', requests: 15, share: 0.5, state: 'UP', client: 15 },
        { name: 'app3', requests: 0, share: 0, state: 'DOWN', client: 0 },
        { name: 'app9', requests: 15, share: 0.5, state: 'DRAIN', client: 14 },
      ],
    };
    expect(`\n${renderDistribution(failed, palette)}`).toMatchInlineSnapshot(`
      "
      server  requests  seen by client  share                        state
      ──────  ────────  ──────────────  ─────  ────────────────────  ────────────
      app1          15              15  50.0%  ████████████████████  <g>UP</g>
      app3           0               0   0.0%                        <r>DOWN</r>
      app9          15              14  50.0%  ████████████████████  <y>DRAIN</y>

      <d>expected: roundrobin: each of the 3 replicas takes its turn, so each gets about 1/3 of the requests (±20%).</d>
      <b><r>FAIL</r></b> Only 2 of 3 replicas are UP in HAProxy: app3 is DOWN."
    `);
  });

  it('uses identity colours by default', () => {
    expect(renderDistribution(result)).toBe(renderDistribution(result, plainPalette));
  });
});

describe('tryNext: the commands after lab up', () => {
  it('name the project when up was given -p', () => {
    const lines = tryNext('03', 'mine', 'lab-03-load-balancing', 3, 'http://localhost:8080/');
    for (const verb of ['status', 'check', 'down'])
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  lab ${verb} 03 -p mine +# `)));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}lab scale 03 -p mine 5 +# scale out, live$/));
  });
  it('keep a space before the comment after a long project name', () => {
    const lines = tryNext('03', 'labtest-3819-03', 'lab-03-load-balancing', 3, 'http://localhost:8080/');
    for (const verb of ['status', 'check', 'down'])
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  lab ${verb} 03 -p labtest-3819-03 +# `)));
  });
  it('stay short for the default project', () => {
    const lines = tryNext('03', 'lab-03-load-balancing', 'lab-03-load-balancing', 99, 'http://localhost:8080/');
    expect(lines.join('\n')).not.toContain('-p');
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}lab scale 03 100 +#/));
  });
  it('name the first service to scale for a lab of several', () => {
    const lines = tryNext(
      '92',
      'lab-92-services',
      'lab-92-services',
      [
        { service: 'web', replicas: 2 },
        { service: 'api', replicas: 1 },
      ],
      'http://localhost:8080/',
    );
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}lab scale 92 web=4 +# scale out, live$/));
  });
});

describe('tryNextStudent: the commands after lab up of a student-mode lab', () => {
  it("point to the lab's tasks and apply, never to lab's own spread check", () => {
    const lines = tryNextStudent('02', 'lab-02-haproxy-config', 'lab-02-haproxy-config');
    expect(lines[1]).toMatch(/^ {2}lab tasks 02 +# what to do/);
    for (const verb of ['apply', 'hint', 'grade', 'down'])
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  lab ${verb} 02 +# `)));
    expect(lines.join('\n')).not.toMatch(/lab check|the replica changes/);
  });
  it('name the project when up was given -p', () => {
    expect(tryNextStudent('02', 'mine', 'lab-02-haproxy-config')).toContainEqual(
      expect.stringMatching(/^ {2}lab apply 02 -p mine +# /),
    );
  });
  it('in Japanese from the catalog, the commands as they are and still aligned', () => {
    const lines = tryNextStudent('02', 'lab-02-haproxy-config', 'lab-02-haproxy-config', plainPalette, ja.up);
    expect(lines[0]).toBe('次に試すこと：');
    expect(lines[1]).toBe('  lab tasks 02                # やることをタスクごとに表示します');
    expect(lines[4]).toBe('  lab grade 02                # スコアを表示します');
  });
});
