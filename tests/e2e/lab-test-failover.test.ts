/**
 * `lab test 07` on the real engine: lab 07-failover's failover drills (kill, kill every primary,
 * 500s, hang) each fail on the starter for the reason the task teaches, and pass after its
 * solution, and each variant gets its stated grade (observe-errors' and hang's add about 100 s:
 * each hang is held 5.5 s). One lab test run; its project is removed whatever happens.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  expectExit,
  labHome,
  labObjects,
  parseJson,
  removeByLabel,
  requireDocker,
  settle,
  skipNote,
  spawnLab,
} from './helpers.ts';

const engine = requireDocker();

interface TestJson {
  labs: { lab: string; steps: { name: string; verdict: 'PASS' | 'FAIL' | 'SKIP'; reason: string }[] }[];
}

/** Why each task fails on the starter: the step of the failure response flow it misses. */
const STARTER_FAILS: Record<string, RegExp> = {
  'detect-fast':
    /killed-replica-out-fast: HAProxy (took \d+\.\d s to take \S+ out of rotation, more than the budget of 2\.5 s|did not take \S+ out of rotation within)/,
  // The cheap check fails first, so the kill drill of the task is not run (cheap checks first).
  backup: /one-backup-server: 0 backup server\(s\), expected 1$/,
  'observe-errors':
    /failing-replica-taken-out: HAProxy did not take \S+ out of rotation within \d+\.\d s of the fault \(errors=1\): its health check still passes/,
  hang: /no-failures-while-hung: .*\d+ of \d+ client requests failed/,
};

describe.skipIf(!engine.ok)(`lab test 07 (failover drills)${skipNote(engine)}`, () => {
  it('each failover task fails on the starter for its reason and passes after its solution', async () => {
    const t0 = performance.now();
    const args = ['test', '07', '--json'];
    const child = spawnLab(args, { timeout: 400_000 });
    const project = `labtest-${child.pid}-07`;
    onTestFinished(() => removeByLabel(project), 60_000);
    const r = await settle(child, args);
    console.log(`[lab test 07] ${Math.round((performance.now() - t0) / 1000)} s`);
    const lab = parseJson<TestJson>(expectExit(r, 0)).labs[0]!;
    expect(lab.lab).toBe('07-failover');
    for (const [task, why] of Object.entries(STARTER_FAILS)) {
      const starter = lab.steps.find((s) => s.name === `${task} (starter)`);
      expect(starter, task).toMatchObject({ verdict: 'PASS' });
      expect(starter!.reason).toMatch(why);
      expect(lab.steps.find((s) => s.name === `${task} (solution)`)).toMatchObject({
        verdict: 'PASS',
        reason: `task ${task} passes after its solution`,
      });
    }
    expect(lab.steps.at(-1)).toMatchObject({ name: 'down', verdict: 'PASS' });
    expect(await labObjects(project)).toEqual({ containers: [], networks: [], volumes: [] });
    expect(existsSync(join(labHome(), 'workspaces', project))).toBe(false);
  }, 420_000);
});
