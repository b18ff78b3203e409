/**
 * What the end-to-end tests of `lab test` share (lab-test, lab-test-exercise, lab-new): its JSON
 * shape, running it with the removal of its projects registered first, reading its JUnit file
 * with a real XML parser, and writing fixture labs around lab's own demo app.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { onTestFinished } from 'vitest';
import { REPO_ROOT, removeByLabel, settle, spawnLab, type LabResult } from './helpers.ts';

interface Step {
  name: string;
  verdict: 'PASS' | 'FAIL' | 'SKIP';
  reason: string;
  ms: number;
}

export interface TestJson {
  outcome: string;
  exitCode: number;
  passed: number;
  failed: number;
  junit: string | null;
  labs: { lab: string; project: string; steps: Step[]; exitCode: number }[];
}

/** A temporary directory removed when the current test finishes. */
export function tmpDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Run `lab test`, whose projects are labtest-<its pid>-<lab number>: known once it is spawned,
 * so the backstop removal of each is registered before anything can start.
 */
export async function runLabTest(
  args: string[],
  numbers: string[],
  opts: { env?: Record<string, string | undefined>; timeout?: number; cwd?: string } = {},
): Promise<{ r: LabResult; projects: string[] }> {
  const child = spawnLab(args, { env: opts.env, timeout: opts.timeout ?? 180_000, cwd: opts.cwd });
  const projects = numbers.map((n) => `labtest-${child.pid}-${n}`);
  for (const p of projects) onTestFinished(() => removeByLabel(p), 60_000);
  return { r: await settle(child, args), projects };
}

interface JUnitCase {
  suite: string;
  name: string;
  classname: string;
  failure: { message: string; text: string } | null;
  skipped: boolean;
}

export interface JUnit {
  root: string;
  tests: number;
  failures: number;
  errors: number;
  suites: { name: string; tests: number; failures: number }[];
  cases: JUnitCase[];
}

// A real JUnit reader, no new dependency: Python's standard XML parser, which rejects
// malformed XML. Prints what it read as JSON.
const PARSE_JUNIT = `
import json, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == 'testsuite' else root.findall('testsuite')
cases = []
for s in suites:
    for c in s.findall('testcase'):
        f = c.find('failure')
        cases.append({'suite': s.get('name'), 'name': c.get('name'), 'classname': c.get('classname'),
                      'failure': None if f is None else {'message': f.get('message'), 'text': f.text or ''},
                      'skipped': c.find('skipped') is not None})
print(json.dumps({'root': root.tag, 'tests': int(root.get('tests')), 'failures': int(root.get('failures')),
                  'errors': int(root.get('errors', '0')),
                  'suites': [{'name': s.get('name'), 'tests': int(s.get('tests')), 'failures': int(s.get('failures'))} for s in suites],
                  'cases': cases}))
`;

export async function readJUnit(file: string): Promise<JUnit> {
  const r = await execa('python3', ['-c', PARSE_JUNIT, file], { reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) throw new Error(`python3 could not parse ${file} as JUnit XML:\n${r.stderr}`);
  return JSON.parse(String(r.stdout)) as JUnit;
}

/** The app block of a fixture lab: lab's demo app, built from compose/whoami. */
const WHOAMI_APP = [
  'app:',
  '  image: lab/whoami:1',
  '  build:',
  `    context: ${JSON.stringify(join(REPO_ROOT, 'compose', 'whoami'))}`,
  '    args:',
  '      BASE_IMAGE: node:20-alpine',
  '  port: 8000',
  '  health: /health',
];

/** Write labs/<id>/lab.yaml of a fixture lab: its id, title, summary and one goal, lab's demo app, then `rest`. Returns the labs folder. */
export function fixtureLab(
  labs: string,
  id: string,
  head: { title: string; summary: string; goal: string },
  rest: string[],
): string {
  mkdirSync(join(labs, id), { recursive: true });
  writeFileSync(
    join(labs, id, 'lab.yaml'),
    [
      `id: ${id}`,
      `title: ${head.title}`,
      `summary: ${head.summary}`,
      'goals:',
      `  - ${head.goal}`,
      ...WHOAMI_APP,
      ...rest,
      '',
    ].join('\n'),
  );
  return labs;
}
