/**
 * Lab 06 (sticky sessions and stateless apps) on the real engine: `lab test 06` starts the
 * memory app and the stateless app (3 replicas each) with a real Redis (lab-local/redis:8 for
 * redis:7-alpine through LAB_IMAGES), proves every task fails on its starter for a structural
 * reason and passes after its solution (two of them kill the replica that holds a session), runs
 * every variant in labs/06-sticky-sessions/variants (about 85 s more: the drills of replica-dies
 * and stateless-redis, 21 s of it one sticky backend without health checks), and tears down.
 * One lab test run for the whole file: CI time. Then the bad input of issue 12: a haproxy.cfg
 * that passes haproxy -c but sticks on a cookie the app never sets must FAIL, saying what the
 * browser saw (one small lab: the memory app only).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  AUTO_PORTS,
  cleanupLab,
  expectExit,
  parseJson,
  poll,
  REPO_ROOT,
  removeByLabel,
  requireDocker,
  runLab,
  settle,
  skipNote,
  spawnLab,
  uniqueProject,
} from './helpers.ts';
import { tmpDir } from './lab-test-helpers.ts';

const engine = requireDocker();

interface TestJson {
  labs: { lab: string; steps: { name: string; verdict: string; reason: string }[]; exitCode: number }[];
}

/** Each task, and what its starter half must have failed on: a missing setting, not luck. */
const STARTER: Record<string, RegExp> = {
  // lab test grades the starter once its one server has risen (exercises/starter-ready.ts); the
  // cheap check fails first, so the task's drill is not run (cheap checks first).
  'scale-out-loses-session':
    /^task scale-out-loses-session fails on the starter, as it must: every-replica-in-app: 1 server\(s\) are UP, expected 3$/,
  'sticky-cookie': /every-replica-in-sticky: HAProxy has no backend "sticky"$/,
  'replica-dies': /every-replica-in-sticky: HAProxy has no backend "sticky"$/,
  'stateless-redis': /every-replica-in-stateless: HAProxy has no backend "stateless"$/,
};

describe.skipIf(!engine.ok)(`lab 06${skipNote(engine)}`, () => {
  it('lab test 06: each task fails on the starter for a missing setting and passes after its solution', async () => {
    const args = ['test', '06', '--json'];
    const child = spawnLab(args, { timeout: 335_000 });
    onTestFinished(() => removeByLabel(`labtest-${child.pid}-06`), 60_000);
    const j = parseJson<TestJson>(expectExit(await settle(child, args), 0));
    const steps = j.labs[0]!.steps;
    for (const [task, why] of Object.entries(STARTER)) {
      const starter = steps.find((s) => s.name === `${task} (starter)`);
      expect(starter, `${task} (starter)`).toMatchObject({ verdict: 'PASS' });
      expect(starter?.reason, `${task} (starter)`).toMatch(why);
      expect(
        steps.find((s) => s.name === `${task} (solution)`),
        `${task} (solution)`,
      ).toMatchObject({ verdict: 'PASS' });
    }
  }, 355_000);

  it('a config that sticks on the wrong cookie (cookie JSESSIONID prefix) FAILs, saying what the browser saw', async () => {
    const lab06 = join(REPO_ROOT, 'labs', '06-sticky-sessions');
    const labs = tmpDir('lab-e2e-06-wrong-');
    const dir = join(labs, '96-wrong-cookie');
    mkdirSync(dir);
    // The task's reference answer with the one line a student gets wrong.
    const wrong = readFileSync(join(lab06, 'solutions', '02-sticky.cfg'), 'utf8').replace(
      'cookie SERVERID insert indirect nocache dynamic',
      'cookie JSESSIONID prefix',
    );
    expect(wrong).toContain('cookie JSESSIONID prefix');
    writeFileSync(join(dir, 'starter.cfg'), wrong);
    const task = readFileSync(join(lab06, 'lab.yaml'), 'utf8')
      .split('\n  - id: ')[2]!
      .split('\n')
      .filter((l) => !/^ {4}(needs|solution):/.test(l))
      .join('\n');
    writeFileSync(
      join(dir, 'lab.yaml'),
      [
        'id: 96-wrong-cookie',
        'title: wrong cookie',
        'summary: lab 06 with a wrong sticky cookie',
        'goals: [see it fail]',
        'app:',
        '  image: lab/whoami:1',
        `  build: { context: ${join(REPO_ROOT, 'compose', 'whoami')}, args: { BASE_IMAGE: node:20-alpine } }`,
        '  port: 8000',
        '  health: /health',
        'loadBalancer: { image: haproxy:3.0, config: student, starter: starter.cfg }',
        'tasks:',
        `  - id: ${task}`,
      ].join('\n'),
    );
    const project = uniqueProject();
    const env = { LAB_LABS_DIR: labs };
    cleanupLab('96', project, { env });
    expectExit(await runLab(['up', '96', '-p', project, ...AUTO_PORTS], { env, timeout: 120_000 }), 0);
    const grade = async () =>
      parseJson<{ tasks: { id: string; status: string; reason: string }[] }>(
        expectExit(await runLab(['grade', '96', '-p', project, '--json'], { env }), 1),
      );
    // Right after up, backend sticky's server of a replica still starting can be DOWN (its first
    // checks were refused; rise takes seconds): the cheap servers check then fails first, truly
    // for that moment. This test is about the cookie, so it grades again until they are UP.
    const starting = /every-replica-in-sticky: \d server\(s\) are UP, expected 3/;
    const g = await poll(grade, (x) => !starting.test(x.tasks[0]?.reason ?? ''), 20_000, 1000);
    expect(g.tasks).toEqual([expect.objectContaining({ id: 'sticky-cookie', status: 'fail' })]);
    expect(g.tasks[0]!.reason).toMatch(
      /session-kept: the session was lost: request #2 went to app\/\d, whose memory store did not know it \(app\/\d new 1, app\/\d lost 1, .*\); the 6 requests went to 3 replicas \(.*\) although the browser sent back every cookie it was given \(session\): HAProxy set no cookie of its own/,
    );
  }, 150_000);
});
