/**
 * Lab 06 (sticky sessions and stateless apps) on the real engine: `lab test 06` starts the
 * memory app and the stateless app (3 replicas each) with a real Redis (lab-local/redis:8 for
 * redis:7-alpine through LAB_IMAGES), proves every task fails on its starter for a structural
 * reason and passes after its solution (two of them kill the replica that holds a session), and
 * tears down. One lab test run for the whole file: CI time.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { expectExit, parseJson, removeByLabel, requireDocker, settle, skipNote, spawnLab } from './helpers.ts';

const engine = requireDocker();

interface TestJson {
  labs: { lab: string; steps: { name: string; verdict: string; reason: string }[]; exitCode: number }[];
}

/** Each task, and what its starter half must have failed on: a missing setting, not luck. */
const STARTER: Record<string, RegExp> = {
  'scale-out-loses-session': /1 server\(s\) are UP, expected 3; session-lost: the session was kept by all 6 requests/,
  'sticky-cookie': /HAProxy has no backend "sticky"; session-kept: all 6 requests went to app\/\d, but HAProxy set no cookie of its own/,
  'replica-dies': /HAProxy has no backend "sticky"; session-dies-with-replica: all 6 requests went to app\/\d, but HAProxy set no cookie of its own/,
  'stateless-redis': /HAProxy has no backend "stateless"; session-survives-kill: the requests were answered by service app ×6, expected service stateless/,
};

describe.skipIf(!engine.ok)(`lab 06${skipNote(engine)}`, () => {
  it('lab test 06: each task fails on the starter for a missing setting and passes after its solution', async () => {
    const args = ['test', '06', '--json'];
    const child = spawnLab(args, { timeout: 240_000 });
    onTestFinished(() => removeByLabel(`labtest-${child.pid}-06`), 60_000);
    const j = parseJson<TestJson>(expectExit(await settle(child, args), 0));
    const steps = j.labs[0]!.steps;
    for (const [task, why] of Object.entries(STARTER)) {
      const starter = steps.find((s) => s.name === `${task} (starter)`);
      expect(starter, `${task} (starter)`).toMatchObject({ verdict: 'PASS' });
      expect(starter?.reason, `${task} (starter)`).toMatch(why);
      expect(steps.find((s) => s.name === `${task} (solution)`), `${task} (solution)`).toMatchObject({ verdict: 'PASS' });
    }
  }, 260_000);
});
