/**
 * `lab new` end to end, as an author meets it: scaffold a lab into a labs folder, `lab validate`
 * accepts it, and `lab test` runs it on the real engine and says what is still missing: the
 * skeleton's task fails on the starter as it must, and its solution file is still to write.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectExit, labObjects, parseJson, requireDocker, runLab, skipNote } from './helpers.ts';
import { runLabTest, type TestJson, tmpDir } from './lab-test-helpers.ts';

const engine = requireDocker();

describe.skipIf(!engine.ok)(`lab new, then lab validate and lab test on the scaffold${skipNote(engine)}`, () => {
  it('the scaffold is valid, and lab test proves its check can fail and names the missing solution', async () => {
    const labs = join(tmpDir('lab-e2e-new-'), 'labs');
    const t0 = performance.now();
    const made = parseJson<{ files: string[]; next: string[] }>(
      expectExit(await runLab(['new', '96-first-exercise', '--dir', labs, '--json']), 0),
    );
    expect(made.next).toEqual([
      `lab validate ${join(labs, '96-first-exercise', 'lab.yaml')}`,
      `LAB_LABS_DIR=${labs} lab test 96`,
    ]);
    expectExit(await runLab(['validate', join(labs, '96-first-exercise', 'lab.yaml')]), 0);

    const { r, projects } = await runLabTest(['test', '96', '--json'], ['96'], { env: { LAB_LABS_DIR: labs } });
    const j = parseJson<TestJson>(expectExit(r, 1));
    const steps = j.labs[0]!.steps;
    expect(steps.map((s) => [s.name, s.verdict])).toEqual([
      ['validate', 'PASS'],
      ['up', 'PASS'],
      ['frontend (starter)', 'PASS'],
      ['frontend (solution)', 'FAIL'],
      ['down', 'PASS'],
    ]);
    expect(steps[2]!.reason).toMatch(/^task frontend fails on the starter, as it must: port-8080-answers: /);
    expect(steps[3]!.reason).toBe(
      `task frontend: its solution failed: The solution of task frontend (${join(labs, '96-first-exercise', 'solutions', 'frontend.cfg')}) holds no HAProxy configuration, only comments: write the task's reference solution there`,
    );
    expect(await labObjects(projects[0]!)).toEqual({ containers: [], networks: [], volumes: [] });
    console.log(`[lab-new] lab new + validate + test on the scaffold: ${Math.round(performance.now() - t0)} ms`);
  }, 180_000);
});
