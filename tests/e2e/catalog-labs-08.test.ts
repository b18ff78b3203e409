/**
 * Lab 08 (rolling updates) on the real engine: `lab test 08` starts the lab, proves the rollout
 * check fails on the starter (a new replica is in rotation before it listens, and without
 * option redispatch its refused requests fail) and passes after the solution (0 failed, every
 * replica on the new version), and tears down. Beside it, `lab rollout` refuses bad input with
 * exit 2 before it touches anything, and on one running lab 08 with the reference solution,
 * Ctrl-C during a rolling update leaves every replica serving.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  AUTO_PORTS,
  describeRun,
  expectExit,
  parseJson,
  poll,
  removeByLabel,
  requireDocker,
  runLab,
  settle,
  skipNote,
  spawnLab,
  uniqueProject,
  waitForOutput,
} from './helpers.ts';

const engine = requireDocker();

interface TestJson {
  labs: { lab: string; steps: { name: string; verdict: string; reason: string; ms?: number }[] }[];
}

describe.skipIf(!engine.ok)(`lab 08 rolling update${skipNote(engine)}`, () => {
  it('lab test 08: each task fails on the starter for its missing setting and passes after its solution', async () => {
    const t0 = performance.now();
    const args = ['test', '08', '--json'];
    // Every variant runs too: fast-checks', slowstart's and zero-downtime's add about 145 s.
    const child = spawnLab(args, { timeout: 570_000 });
    onTestFinished(() => removeByLabel(`labtest-${child.pid}-08`), 60_000);
    const lab = parseJson<TestJson>(expectExit(await settle(child, args), 0)).labs[0]!;
    console.log(`[lab test 08] ${Math.round((performance.now() - t0) / 1000)} s`);
    // What each check saw (failed requests, detection, throttle): the figures of the lab in the CI log.
    for (const s of lab.steps)
      console.log(`[lab test 08] ${s.name} (${((s.ms ?? 0) / 1000).toFixed(1)} s): ${s.verdict}: ${s.reason}`);
    const step = (name: string) => lab.steps.find((s) => s.name === name);
    // Each starter fails for the setting its task adds, not by chance: without redispatch the
    // requests to a stopped replica fail; with checks every 2 s × 3 a dead one stays in rotation
    // for seconds; without slowstart HAProxy's stats show no throttle; and a rolling update fails
    // requests.
    const starter: [string, RegExp][] = [
      ['redispatch', /no-failures-while-a-replica-restarts: .*[1-9]\d* of \d+ client requests failed/],
      ['fast-checks', /dead-replica-out-fast: HAProxy did not take \S+ out of rotation within/],
      ['slowstart', /eased-in-after-restart: .*its stats show no throttle/],
      [
        'zero-downtime',
        /rolling-update-under-load: [1-9]\d* of \d+ requests failed while app rolled from v1 to v2 \(rolling/,
      ],
    ];
    for (const [task, reason] of starter) {
      expect(step(`${task} (starter)`), task).toMatchObject({ verdict: 'PASS' });
      expect(step(`${task} (starter)`)!.reason).toMatch(reason);
      expect(step(`${task} (solution)`), task).toMatchObject({
        verdict: 'PASS',
        reason: `task ${task} passes after its solution`,
      });
    }
  }, 590_000);

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

  describe('on one running lab 08 (its reference solution applied)', () => {
    const project = uniqueProject();
    type Status = {
      containers: { name: string; service: string; state: string; version: string | null }[];
      servers: { status: string; container: string | null }[];
    };
    const readStatus = async () =>
      parseJson<Status>(
        expectExit(await runLab(['status', '08', '--project', project, '--json'], { timeout: 30_000 }), 0),
      );
    const allUp = (st: Status) =>
      st.servers.filter((x) => x.container !== null).length === 3 &&
      st.servers.filter((x) => x.container !== null).every((x) => x.status === 'UP');
    beforeAll(async () => {
      expectExit(await runLab(['up', '08', '--project', project, ...AUTO_PORTS], { timeout: 120_000 }), 0);
      expectExit(await runLab(['solve', '08', 'zero-downtime', '--project', project], { timeout: 60_000 }), 0);
      // The replicas pass the solution's checks before the tests start (as in rollout-interrupt.test.ts):
      // solve's reload keeps the servers' state, and a replica still starting rises a moment later.
      await poll(readStatus, allUp, 30_000, 500);
    }, 200_000);
    afterAll(async () => {
      await runLab(['down', '08', '--project', project], { timeout: 60_000 }).catch(() => undefined);
      await removeByLabel(project);
    }, 90_000);

    it('Ctrl-C while the second replica is replaced: that batch is finished, exit 130, every replica serves, lab status says which version each runs', async () => {
      const load = spawnLab(['load', '08', '--project', project, '--rate', '20', '--duration', '120', '--json'], {
        timeout: 150_000,
      });
      onTestFinished(() => void load.kill('SIGKILL'));
      const args = ['rollout', '08', 'app', '--to', 'v2', '--project', project, '--verbose'];
      const child = spawnLab(args, { timeout: 120_000 });
      // --verbose prints each step of the rollout on stderr ("+4.1s app/2: replacing with v2"):
      // interrupt once the second replica is being replaced (its old container stops).
      await waitForOutput(child.stderr, /replacing with v2[\s\S]*replacing with v2/, 90_000);
      child.kill('SIGINT');
      const r = await settle(child, args);
      expect(r.timedOut, describeRun(r)).toBe(false);
      expectExit(r, 130);
      // The solution's `observe layer4 ... on-error mark-down` may take a just-checked replica out
      // for a moment (one refused connection); its fast checks bring it back: UP within 10 s.
      const status = await poll(readStatus, allUp, 10_000, 500);
      const apps = status.containers.filter((c) => c.service === 'app');
      expect(apps.map((c) => c.state)).toEqual(['running', 'running', 'running']);
      expect(apps.map((c) => c.version).sort()).toEqual(['v1', 'v2', 'v2']);
      // Every replica is behind a server HAProxy has UP: none left drained or out of rotation.
      expect(
        status.servers
          .filter((s) => s.container !== null)
          .map((s) => s.status)
          .sort(),
        JSON.stringify(status.servers),
      ).toEqual(['UP', 'UP', 'UP']);
      expect(apps.map((c) => c.name).sort()).toEqual(
        status.servers
          .map((s) => s.container)
          .filter((c) => c !== null)
          .sort(),
      );
      expect(r.stderr).toMatch(
        /Interrupted: 2 of 3 replica\(s\) of app on v2, the rest on their old version; every replica serves/,
      );
      expect(r.stderr).toMatch(/Run lab rollout again with --to v2 to finish/);
      load.kill('SIGINT');
      const sent = parseJson<{ sent: number; failed: number }>(await settle(load, ['load']));
      expect(sent.sent).toBeGreaterThan(0);
      expect(sent.failed).toBe(0);
    }, 150_000);
  });
});
