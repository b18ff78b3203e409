/**
 * The catalog's exercise labs on the real engine: `lab test 05` starts lab 05 (3 replicas, 12
 * clients), proves every task fails on its starter and passes after its solution (a replica
 * slowed with lab fault, roundrobin against leastconn and random(2), balance source from 12
 * clients), and tears down. One lab test run for the whole file: CI time.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { expectExit, parseJson, removeByLabel, requireDocker, settle, skipNote, spawnLab } from './helpers.ts';

const engine = requireDocker();

interface TestJson {
  labs: { lab: string; steps: { name: string; verdict: string; reason: string }[]; exitCode: number }[];
}

const TASKS: Record<string, string[]> = {
  '05-algorithms': ['leastconn-backend', 'slow-replica', 'random-two', 'source-affinity'],
};

describe.skipIf(!engine.ok)(`catalog labs${skipNote(engine)}`, () => {
  it('lab test 05: each task fails on the starter and passes after its solution', async () => {
    const args = ['test', '05', '--json'];
    // Variants of slow-replica, random-two and source-affinity add about 90 s (3 × 2 throughput
    // or affinity runs of ~9-16 s for the correct ones, ~2 s for each wrong one).
    const child = spawnLab(args, { timeout: 500_000 });
    onTestFinished(() => removeByLabel(`labtest-${child.pid}-05`), 60_000);
    const j = parseJson<TestJson>(expectExit(await settle(child, args), 0));
    for (const lab of j.labs) {
      for (const t of TASKS[lab.lab]!) {
        expect(
          lab.steps.find((s) => s.name === `${t} (starter)`),
          `${lab.lab} ${t} (starter)`,
        ).toMatchObject({ verdict: 'PASS' });
        expect(
          lab.steps.find((s) => s.name === `${t} (solution)`),
          `${lab.lab} ${t} (solution)`,
        ).toMatchObject({ verdict: 'PASS' });
      }
    }
  }, 520_000);
});
