/**
 * Lab 08 (rolling updates) on the real engine: `lab test 08` starts the lab, proves the rollout
 * check fails on the starter (a new replica is in rotation before it listens, and without
 * option redispatch its refused requests fail) and passes after the solution (0 failed, every
 * replica on the new version), and tears down. Beside it, `lab rollout` refuses bad input with
 * exit 2 before it touches anything.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { expectExit, parseJson, removeByLabel, requireDocker, runLab, settle, skipNote, spawnLab } from './helpers.ts';

const engine = requireDocker();

interface TestJson {
  labs: { lab: string; steps: { name: string; verdict: string; reason: string }[] }[];
}

describe.skipIf(!engine.ok)(`lab 08 rolling update${skipNote(engine)}`, () => {
  it('lab test 08: the rolling update fails requests on the starter and none after the solution', async () => {
    const t0 = performance.now();
    const args = ['test', '08', '--json'];
    const child = spawnLab(args, { timeout: 300_000 });
    onTestFinished(() => removeByLabel(`labtest-${child.pid}-08`), 60_000);
    const lab = parseJson<TestJson>(expectExit(await settle(child, args), 0)).labs[0]!;
    console.log(`[lab test 08] ${Math.round((performance.now() - t0) / 1000)} s`);
    const starter = lab.steps.find((s) => s.name === 'zero-downtime (starter)');
    expect(starter).toMatchObject({ verdict: 'PASS' });
    expect(starter!.reason).toMatch(/rolling-update-under-load: [1-9]\d* of \d+ requests failed while app rolled from v1 to v2 \(rolling/);
    expect(lab.steps.find((s) => s.name === 'zero-downtime (solution)')).toMatchObject({ verdict: 'PASS', reason: 'task zero-downtime passes after its solution' });
  }, 320_000);

  it.each([
    [['--to', 'v9'], /--to must be one of the versions app has: v1, v2 \(got "v9"\)/],
    [['--to', 'v2', '--strategy', 'bluegreen'], /--strategy must be one of rolling, recreate \(got "bluegreen"\)/],
    [['--to', 'v2', '--strategy', 'recreate', '--batch', '2'], /--batch is for --strategy rolling/],
  ])('lab rollout 08 app %j: exit 2, nothing touched', async (extra, message) => {
    const r = await runLab(['rollout', '08', 'app', ...extra, '-p', 'rollout-bad-input']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
