/**
 * `lab test` end to end, as CI runs it: validate, up, checks and down of a lab on its own
 * project, JUnit XML that a real parser (Python's xml.etree.ElementTree) reads and that agrees
 * with the JSON, and nothing left on the engine afterwards, also when the lab can't come up.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  describeRun,
  docker,
  expectExit,
  labHome,
  labObjects,
  parseJson,
  requireDocker,
  runLab,
  skipNote,
} from './helpers.ts';
import {
  fixtureLab,
  type JUnit,
  readJUnit,
  runLabTest as runLabTests,
  type TestJson,
  tmpDir,
} from './lab-test-helpers.ts';

const engine = requireDocker();

/** The JUnit file and the JSON tell the same story: one testcase per step, a failure per FAIL. */
function expectSameStory(junit: JUnit, json: TestJson): void {
  const steps = json.labs.flatMap((l) => l.steps.map((s) => ({ lab: l.lab, ...s })));
  expect(junit.root).toBe('testsuites');
  expect(junit.cases).toHaveLength(steps.length);
  expect(junit.tests).toBe(steps.length);
  expect(junit.failures).toBe(steps.filter((s) => s.verdict === 'FAIL').length);
  expect(junit.cases.filter((c) => c.failure).length).toBe(junit.failures);
  expect(junit.errors).toBe(0);
  expect(junit.suites.map((s) => s.name)).toEqual(json.labs.map((l) => l.lab));
  expect(junit.cases.map((c) => [c.suite, c.name, c.classname, c.failure !== null])).toEqual(
    steps.map((s) => [s.lab, s.name, `lab.${s.lab}`, s.verdict === 'FAIL']),
  );
}

/** Run `lab test` on one lab, its project's removal registered first. */
async function runLabTest(args: string[], labNumber: string, env?: Record<string, string | undefined>) {
  const { r, projects } = await runLabTests(args, [labNumber], { env });
  return { r, project: projects[0]! };
}

/** Projects of lab-test containers still on the engine, among those this run could have made. */
async function leftoverLabTests(prefix: string): Promise<string[]> {
  const r = await docker(['ps', '-a', '--filter', 'label=lab.project', '--format', '{{.Label "lab.project"}}']);
  if (r.exitCode !== 0) throw new Error(`docker ps failed: ${r.stderr}`);
  const all = r.stdout.split('\n').filter((p) => p.startsWith('labtest-'));
  const others = all.filter((p) => !p.startsWith(prefix));
  if (others.length)
    console.warn(
      `[lab-test] labtest-* containers of other runs on this engine (not ours): ${[...new Set(others)].join(', ')}`,
    );
  return all.filter((p) => p.startsWith(prefix));
}

describe.skipIf(!engine.ok).sequential(`lab test on the real engine${skipNote(engine)}`, () => {
  it('lab test 03 --junit --json: every step PASS, the JUnit file agrees, nothing left behind', async () => {
    const dir = tmpDir('lab-e2e-junit-');
    const file = join(dir, 'junit.xml');
    const { r, project } = await runLabTest(['test', '03', '--junit', file, '--json'], '03');
    expectExit(r, 0);
    const j = parseJson<TestJson>(r);
    expect(j).toMatchObject({ outcome: 'success', exitCode: 0, passed: 1, failed: 0, junit: file });
    expect(j.labs).toHaveLength(1);
    const lab = j.labs[0]!;
    expect(lab).toMatchObject({ lab: '03-load-balancing', project, exitCode: 0 });
    // validate, up, the lab's checks, each task on the starter then after its solution, down: in that order, all PASS.
    const halves = ['scale-out', 'least-connections', 'sticky-sessions'];
    expect(lab.steps.map((s) => s.name)).toEqual([
      'validate',
      'up',
      'all-replicas-up',
      'traffic-is-spread',
      ...halves.map((t) => `${t} (starter)`),
      ...halves.map((t) => `${t} (solution)`),
      'down',
    ]);
    for (const s of lab.steps) expect(s.verdict, `${s.name}: ${s.reason}`).toBe('PASS');
    expect(lab.steps.find((s) => s.name === 'up')!.reason).toMatch(/^3 replicas UP in \d+ ms$/);
    // The solutions scaled the lab to 5 replicas: 5 apps and HAProxy.
    expect(lab.steps.find((s) => s.name === 'down')!.reason).toBe('removed 6 container(s)');

    const junit = await readJUnit(file);
    expectSameStory(junit, j);
    expect(junit.tests).toBe(11);
    expect(junit.failures).toBe(0);

    // down removed everything of the project; no lab-test container of this run is left.
    expect(await labObjects(project)).toEqual({ containers: [], networks: [], volumes: [] });
    expect(await leftoverLabTests(project.replace(/-03$/, '-'))).toEqual([]);
    // Its workspace too: lab made the folder and wrote everything in it.
    expect(existsSync(join(labHome(), 'workspaces', project))).toBe(false);
  }, 120_000);

  it('lab test 99: no such lab, exit 2', async () => {
    const r = expectExit(await runLab(['test', '99']), 2);
    expect(r.stderr, describeRun(r)).toMatch(/No lab "99"/);
    const j = parseJson<{ outcome: string; exitCode: number; error: { kind: string } }>(
      expectExit(await runLab(['test', '99', '--json']), 2),
    );
    expect(j).toMatchObject({ outcome: 'error', exitCode: 2, error: { kind: 'UsageError' } });
  }, 30_000);

  it('a lab whose load balancer image cannot be pulled: exit 3, JUnit failure on up, down still ran', async () => {
    const dir = tmpDir('lab-e2e-noimage-');
    const labs = fixtureLab(
      join(dir, 'labs'),
      '91-no-image',
      {
        title: 'Load balancer image that does not exist (e2e fixture)',
        summary: "The load balancer image can't be pulled, so the up step of lab test fails.",
        goal: 'See lab test report a failed up and still clean up.',
      },
      [
        'loadBalancer:',
        // Not in LAB_IMAGES and no --image for it: compose has to pull it, and can't.
        '  image: lab-e2e/does-not-exist:1',
        '  algorithm: roundrobin',
        '  mode: http',
        'defaults:',
        '  replicas: 2',
        '  appPort: 8080',
        '  statsPort: 1936',
      ],
    );
    const file = join(dir, 'junit.xml');
    const { r, project } = await runLabTest(['test', '91', '--junit', file, '--json'], '91', { LAB_LABS_DIR: labs });
    expectExit(r, 3);
    const j = parseJson<TestJson>(r);
    expect(j).toMatchObject({ outcome: 'failure', exitCode: 3, passed: 0, failed: 1 });
    const lab = j.labs[0]!;
    expect(lab).toMatchObject({ lab: '91-no-image', project, exitCode: 3 });
    expect(lab.steps.map((s) => [s.name, s.verdict])).toEqual([
      ['validate', 'PASS'],
      ['up', 'FAIL'],
      ['down', 'PASS'],
    ]);
    const up = lab.steps.find((s) => s.name === 'up')!;
    expect(up.reason).toMatch(/^An image could not be pulled/);
    console.log(`[lab-test] up failed as expected: ${up.reason.split('\n')[0]}`);

    const junit = await readJUnit(file);
    expectSameStory(junit, j);
    const failed = junit.cases.filter((c) => c.failure);
    expect(failed.map((c) => c.name)).toEqual(['up']);
    expect(failed[0]!.failure!.message).toMatch(/^An image could not be pulled/);
    expect(failed[0]!.failure!.text).toContain('An image could not be pulled');
    expect(junit.cases.find((c) => c.name === 'down')!.failure).toBeNull();

    expect(await labObjects(project)).toEqual({ containers: [], networks: [], volumes: [] });
  }, 120_000);
});
