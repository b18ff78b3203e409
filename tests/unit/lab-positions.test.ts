import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLab } from '../../src/config/labs.ts';
import { parseLab } from '../../src/config/parse-lab.ts';
import { formatProblem } from '../../src/core/errors.ts';
import { tmpDir, writeTree } from '../helpers/tmp.ts';

/** A lab file whose lines are given; a folder without a Dockerfile makes app.build.context a problem. */
const lab = (lines: string[]): string => `${lines.join('\n')}\n`;
const HEAD = ['title: A lab', 'goals: [Be found]'];
const APP = [
  'app:',
  '  image: lab/extra:1',
  '  build:',
  '    context: ./nowhere',
  '  port: 8000',
  '  health: /health',
  'loadBalancer:',
  '  image: haproxy:3.0',
];

/** Problems lab reports for a file in a folder of its own, by position: the file is parsed, not searched. */
describe('positions of the problems only the file system can tell come from the parsed YAML', () => {
  it.each([
    {
      name: 'a quoted id key',
      folder: '05-other',
      lines: [...HEAD, '"id": 04-extra', 'summary: x', ...APP.slice(0, 2), ...APP.slice(4)],
      want: ['x.yaml:3:1 id: is "04-extra" but the folder is "05-other"; they must match'],
    },
    {
      name: 'an id key with a space before its colon',
      folder: '05-other',
      lines: ['# Copied from another lab', ...HEAD, 'summary: x', 'id : 04-extra', ...APP.slice(0, 2), ...APP.slice(4)],
      want: ['x.yaml:5:1 id: is "04-extra" but the folder is "05-other"; they must match'],
    },
    {
      name: 'app.build.context after a summary that has a line starting with context:',
      folder: '06-built',
      lines: ['id: 06-built', ...HEAD, 'summary: |', '  Read the chapter first.', '  context: why labs exist', ...APP],
      want: [`x.yaml:10:5 app.build.context: no Dockerfile in {dir}/06-built/nowhere`],
    },
  ])('$name', async ({ folder, lines, want }) => {
    const dir = await tmpDir();
    await writeTree(dir, { [`${folder}/lab.yaml`]: lab(lines) });
    const { problems } = readLab(join(dir, folder, 'lab.yaml'), 'x.yaml');
    expect(problems.map(formatProblem)).toEqual(want.map((w) => w.replace('{dir}', dir)));
  });

  it('a duplicate quoted key is named without its quotes', () => {
    const result = parseLab(lab(['id: 03-x', 'title: A', '"title": B']), 'x.yaml');
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
      'x.yaml:3:1 title: duplicate key: each key may appear only once in a map',
    ]);
  });
});
