import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/config/parse-lab.ts';
import { formatProblem } from '../../src/core/errors.ts';

/** A small valid lab with one check; each case adds one line after a given line (1-based). */
const BASE = [
  'id: 03-load-balancing', //       1
  'title: Load balancing', //       2
  'summary: A lab.', //             3
  'goals:', //                      4
  '  - See traffic spread.', //     5
  'app:', //                        6
  '  image: lab/whoami:1', //       7
  '  build:', //                    8
  '    context: ./app', //          9
  '  port: 8000', //               10
  '  health: /health', //          11
  'loadBalancer:', //              12
  '  image: haproxy:3.0', //       13
  'defaults:', //                  14
  '  replicas: 3', //              15
  'checks:', //                    16
  '  - name: spread', //           17
  '    kind: distribution', //     18
];

/** BASE with `line` inserted after line `after`; the problems parseLab reports for it. */
function problemsWith(after: number, line: string): string[] {
  const lines = [...BASE];
  lines.splice(after, 0, line);
  const result = parseLab(`${lines.join('\n')}\n`, 'lab.yaml');
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe('"did you mean": keys valid where the typo is, else where the near key lives', () => {
  it('the base lab is valid', () => {
    expect(problemsWith(0, '# nothing added')).toEqual([]);
  });

  it.each([
    // The two reports of issue 16.
    {
      where: 'root',
      after: 3,
      line: 'replcias: 3',
      want: 'lab.yaml:4:1 replcias: unknown key "replcias" (did you mean defaults.replicas?)',
    },
    {
      where: 'loadBalancer',
      after: 13,
      line: '  titel: X',
      want: 'lab.yaml:14:3 loadBalancer.titel: unknown key "titel" (did you mean title at the top level?)',
    },
    // The right key at the wrong level: say where it belongs.
    {
      where: 'root',
      after: 3,
      line: 'replicas: 5',
      want: 'lab.yaml:4:1 replicas: unknown key "replicas" (did you mean defaults.replicas?)',
    },
    {
      where: 'root',
      after: 3,
      line: 'algoritm: leastconn',
      want: 'lab.yaml:4:1 algoritm: unknown key "algoritm" (did you mean loadBalancer.algorithm?)',
    },
    {
      where: 'root',
      after: 3,
      line: 'kind: failover',
      want: 'lab.yaml:4:1 kind: unknown key "kind" (did you mean checks[].kind?)',
    },
    {
      where: 'defaults',
      after: 15,
      line: '  image: x',
      want: 'lab.yaml:16:3 defaults.image: unknown key "image" (did you mean app.image or loadBalancer.image?)',
    },
    {
      where: 'a check',
      after: 18,
      line: '    replicas: 2',
      want: 'lab.yaml:19:5 checks.0.replicas: unknown key "replicas" (did you mean defaults.replicas?)',
    },
    // A near key valid at the level wins over an exact one elsewhere.
    {
      where: 'app',
      after: 11,
      line: '  mode: http',
      want: 'lab.yaml:12:3 app.mode: unknown key "mode" (did you mean loadBalancer.mode?)',
    },
    {
      where: 'app.build',
      after: 9,
      line: '    image: x',
      want: 'lab.yaml:10:5 app.build.image: unknown key "image" (did you mean app.image or loadBalancer.image?)',
    },
  ])('$where: $line', ({ after, line, want }) => {
    expect(problemsWith(after, line)).toEqual([want]);
  });
});
