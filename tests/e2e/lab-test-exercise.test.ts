/**
 * `lab test` on exercise labs and `lab solve`, on the real engine: lab 03 (solutions are lab
 * commands) and lab 02 (solutions are haproxy.cfg files, applied with lab apply) each prove both
 * halves, every task failing on the starter and passing after its solution; a lab whose task
 * passes on the starter exits 1 naming the task and the half; `lab solve` keeps the student's
 * earlier file, never overwriting an earlier save.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import {
  AUTO_PORTS,
  BIN,
  cleanupLab,
  expectExit,
  get,
  labEnv,
  labHome,
  labObjects,
  NOTHING,
  parseJson,
  REPO_ROOT,
  requireDocker,
  runLab,
  skipNote,
  uniqueProject,
} from './helpers.ts';
import { fixtureLab, readJUnit, runLabTest, type TestJson, tmpDir } from './lab-test-helpers.ts';

const engine = requireDocker();

/** Test case names of a JUnit file, and whether each failed. */
const junitCases = async (file: string) =>
  (await readJUnit(file)).cases.map((c) => ({ suite: c.suite, name: c.name, failed: c.failure !== null }));

const LAB_TASKS: Record<string, string[]> = {
  '03-load-balancing': ['scale-out', 'least-connections', 'sticky-sessions'],
  '02-haproxy-config': ['frontend', 'every-replica', 'health-checks', 'scale-joins'],
};

describe.skipIf(!engine.ok).sequential(`lab test and lab solve on exercise labs${skipNote(engine)}`, () => {
  it('lab test 03 02: each task fails on the starter and passes after its solution; JUnit has one case per task and half', async () => {
    const file = join(tmpDir('lab-e2e-exercise-'), 'junit.xml');
    // Lab 02's scale-joins variants add about 7 s.
    const { r, projects } = await runLabTest(['test', '03', '02', '--json', '--junit', file], ['03', '02'], {
      timeout: 410_000,
    });
    const j = parseJson<TestJson>(expectExit(r, 0));
    expect(j.labs.map((l) => l.lab)).toEqual(['03-load-balancing', '02-haproxy-config']);
    const cases = await junitCases(file);
    for (const lab of j.labs) {
      const tasks = LAB_TASKS[lab.lab]!;
      for (const t of tasks) {
        const starter = lab.steps.find((s) => s.name === `${t} (starter)`);
        const solution = lab.steps.find((s) => s.name === `${t} (solution)`);
        expect(starter, `${lab.lab} ${t} (starter)`).toMatchObject({ verdict: 'PASS' });
        expect(starter!.reason).toMatch(new RegExp(`^task ${t} fails on the starter, as it must: .+`));
        expect(solution, `${lab.lab} ${t} (solution)`).toMatchObject({
          verdict: 'PASS',
          reason: `task ${t} passes after its solution`,
        });
        expect(
          cases.filter(
            (c) => c.suite === lab.lab && (c.name === `${t} (starter)` || c.name === `${t} (solution)`) && !c.failed,
          ),
        ).toHaveLength(2);
      }
      // Starter half before the solution half, in needs order.
      const names = lab.steps.map((s) => s.name);
      expect(names.indexOf(`${tasks.at(-1)} (starter)`)).toBeLessThan(names.indexOf(`${tasks[0]} (solution)`));
      expect(lab.steps.at(-1)).toMatchObject({ name: 'down', verdict: 'PASS' });
    }
    // Lab 02's variants (labs/02-haproxy-config/variants) ran after its solutions, each graded on its
    // own task: the correct ones passed (one has no X-Served-By line), the wrong ones failed for their stated reason.
    const variants = j.labs[1]!.steps.filter((s) => s.name.includes('(variants/'));
    expect(variants.map((s) => s.name)).toEqual([
      'every-replica (variants/every-replica.ok-default-server.cfg)',
      'every-replica (variants/every-replica.ok-listen-static-rr.cfg)',
      'every-replica (variants/every-replica.wrong-no-resolvers.cfg)',
      'every-replica (variants/every-replica.wrong-two-server-lines.cfg)',
      'frontend (variants/frontend.ok-listen.cfg)',
      'frontend (variants/frontend.ok-use-backend.cfg)',
      'frontend (variants/frontend.wrong-port-8000.cfg)',
      'frontend (variants/frontend.wrong-server-port.cfg)',
      'health-checks (variants/health-checks.ok-listen-default-server.cfg)',
      'health-checks (variants/health-checks.ok-no-served-by.cfg)',
      'health-checks (variants/health-checks.wrong-bad-path.cfg)',
      'health-checks (variants/health-checks.wrong-no-check.cfg)',
      'scale-joins (variants/scale-joins.ok-exactly-five-slots.cfg)',
      'scale-joins (variants/scale-joins.ok-listen-default-server.cfg)',
      'scale-joins (variants/scale-joins.wrong-no-resolvers.cfg)',
      'scale-joins (variants/scale-joins.wrong-three-slots.cfg)',
    ]);
    for (const v of variants)
      expect(v, v.name).toMatchObject({
        verdict: 'PASS',
        reason: expect.stringMatching(/passes, as it must|fails for its stated reason/),
      });
    // Lab 02 has no checks: of its own, so no default checks ran on its starter.
    expect(j.labs[1]!.steps.slice(0, 3).map((s) => s.name)).toEqual(['validate', 'up', 'frontend (starter)']);
    for (const p of projects) {
      expect(await labObjects(p)).toEqual({ containers: [], networks: [], volumes: [] });
      // The workspace lab test made is gone: lab's files, and the student files it wrote for no student.
      expect(existsSync(join(labHome(), 'workspaces', p)), `workspace of ${p}`).toBe(false);
    }
  }, 430_000);

  it('a task whose check passes on the starter, and one whose solution does not work: exit 1 naming each task and half', async () => {
    const labs = fixtureLab(
      join(tmpDir('lab-e2e-brokenlab-'), 'labs'),
      '97-weak-checks',
      {
        title: 'Tasks with weak checks (e2e fixture)',
        summary: 'One check passes before the student did anything; one solution does not make its task pass.',
        goal: 'See lab test name both.',
      },
      [
        'loadBalancer:',
        '  image: haproxy:3.0',
        'defaults:',
        '  replicas: 2',
        'tasks:',
        '  - id: already-done',
        '    title: Two replicas UP (true from the start)',
        '    instructions: Nothing to do.',
        '    checks:',
        '      - kind: servers',
        '        up: 2',
        '    solution: [lab scale 97 2]',
        '  - id: wrong-solution',
        '    title: Three replicas UP',
        '    instructions: Scale to 3.',
        '    checks:',
        '      - kind: servers',
        '        up: 3',
        '    solution: [lab scale 97 2]',
      ],
    );
    const { r } = await runLabTest(['test', '97', '--json'], ['97'], { env: { LAB_LABS_DIR: labs }, timeout: 400_000 });
    const j = parseJson<TestJson>(expectExit(r, 1));
    const steps = Object.fromEntries(j.labs[0]!.steps.map((s) => [s.name, s]));
    expect(steps['already-done (starter)']).toMatchObject({
      verdict: 'FAIL',
      reason: 'task already-done passed on the starter: its check cannot fail',
    });
    expect(steps['already-done (solution)']).toMatchObject({ verdict: 'PASS' });
    expect(steps['wrong-solution (starter)']).toMatchObject({ verdict: 'PASS' });
    expect(steps['wrong-solution (solution)']!.verdict).toBe('FAIL');
    expect(steps['wrong-solution (solution)']!.reason).toMatch(
      /^task wrong-solution still fails after its solution: servers: 2 server\(s\) are UP, expected 3/,
    );
    expect(steps.down).toMatchObject({ verdict: 'PASS' });
    const text = expectExit(
      await runLab(['test', '97', '--no-color'], { env: { LAB_LABS_DIR: labs }, timeout: 200_000 }),
      1,
    );
    expect(text.stdout).toMatch(
      /already-done \(starter\)\s+FAIL .*task already-done passed on the starter: its check cannot fail/,
    );
  }, 420_000);

  it("lab solve 02 saves the student's file beside it, never over an earlier save, and applies the solution", async () => {
    const p = uniqueProject();
    cleanupLab('02', p);
    const up = parseJson<{ workspace: string; studentConfig: string; urls: { app: string } }>(
      expectExit(await runLab(['up', '02', '--project', p, ...AUTO_PORTS, '--json'], { timeout: 150_000 }), 0),
    );
    const mine = `# my attempt\n${await readFile(join(REPO_ROOT, 'labs', '02-haproxy-config', 'starter.cfg'), 'utf8')}`;
    await writeFile(up.studentConfig, mine);
    // No grade yet: the first task not passing is frontend.
    const first = parseJson<{ solved: { task: string; kind: string; saved: string; file: string }[] }>(
      expectExit(await runLab(['solve', '02', '--project', p, '--json']), 0),
    );
    expect(first.solved).toMatchObject([
      { task: 'frontend', kind: 'file', saved: `${up.studentConfig}.before-solve-frontend` },
    ]);
    expect(await readFile(`${up.studentConfig}.before-solve-frontend`, 'utf8')).toBe(mine);
    expect(await readFile(up.studentConfig, 'utf8')).toBe(
      await readFile(join(REPO_ROOT, 'labs', '02-haproxy-config', 'solutions', '01-frontend.cfg'), 'utf8'),
    );
    expect((await get(up.urls.app)).status).toBe(200);
    const marker = JSON.parse(await readFile(join(up.workspace, 'lab-files.json'), 'utf8')) as {
      files: string[];
      student: string[];
    };
    expect(marker.student).toEqual(['haproxy/haproxy.cfg', 'haproxy/haproxy.cfg.before-solve-frontend']);
    expect(marker.files).not.toContain('haproxy/haproxy.cfg.before-solve-frontend');

    const again = expectExit(await runLab(['solve', '02', 'frontend', '--project', p]), 0);
    expect(again.stdout).toContain(`your file is saved as ${up.studentConfig}.before-solve-frontend-2`);
    expect(await readFile(`${up.studentConfig}.before-solve-frontend`, 'utf8')).toBe(mine);

    // A pass the reference solution earned is marked as such, and the file is flagged as it.
    await runLab(['hint', '02', '--project', p]);
    const graded = parseJson<{
      passed: number;
      solved: number;
      tasks: { id: string; status: string }[];
      hints: Record<string, number>;
      copiesSolution: string[];
    }>(await runLab(['grade', '02', '--project', p, '--json'], { timeout: 120_000 }));
    expect(graded.tasks.find((t) => t.id === 'frontend')?.status).toBe('solved');
    expect(graded).toMatchObject({ passed: 0, solved: 1, copiesSolution: ['frontend'] });
    expect(Object.values(graded.hints).reduce((a, b) => a + b, 0)).toBe(1);
    const table = await runLab(['grade', '02', '--project', p]);
    expect(table.stdout).toMatch(/frontend .* SOLVED/);
    expect(table.stdout).toMatch(/Score: 0 of 4 task\(s\) passed \(0%\), 1 solved with lab solve \(not counted\)/);
    expectExit(await runLab(['down', '02', '--project', p]), 0);
  }, 240_000);
  it('a reader that goes away after a finished command (lab list | head -n 1): exit 0, no error', async () => {
    const script = `"${process.execPath}" "${BIN}" list 2>&1 | head -n 1; echo "lab exited \${PIPESTATUS[0]}"`;
    const r = await execa('bash', ['-c', script], {
      env: labEnv(),
      extendEnv: false,
      reject: false,
      timeout: 30_000,
      cwd: REPO_ROOT,
    });
    expect(r.stdout.split('\n')).toHaveLength(2);
    expect(r.stdout).toMatch(/\nlab exited 0$/);
  }, 60_000);

  it('a reader that goes away (lab test 03 2>&1 | head) stops the test, which removes its lab: exit 130, nothing left', async () => {
    // The real pipeline: sed quits after the line that says the containers run, and lab's next
    // write meets a closed pipe (it used to exit there at once, leaving the test's lab running).
    const script = `"${process.execPath}" "${BIN}" test 03 2>&1 | sed "/Containers running/q"; echo "lab exited \${PIPESTATUS[0]}"`;
    const r = await execa('bash', ['-c', script], {
      env: labEnv(),
      extendEnv: false,
      reject: false,
      timeout: 90_000,
      cwd: REPO_ROOT,
    });
    const project = /\(project (labtest-\d+-03)\)/.exec(r.stdout)?.[1];
    expect(project, r.stdout).toBeDefined();
    cleanupLab('03', project!);
    expect(r.stdout).toMatch(/Containers running/);
    expect(r.stdout).toMatch(/lab exited 130$/m);
    expect(await labObjects(project!)).toEqual(NOTHING);
  }, 120_000);
});
