/**
 * Student mode on the real engine: lab 02 comes up with its comments-only starter, `lab apply`
 * refuses a broken file (HAProxy keeps serving) and one that takes lab's stats port, and
 * reloads HAProxy with the reference solution, which then spreads traffic over every replica.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AUTO_PORTS,
  REPO_ROOT,
  cleanupLab,
  docker,
  expectExit,
  get,
  labObjects,
  parseJson,
  requireDocker,
  runLab,
  skipNote,
  uniqueProject,
} from './helpers.ts';

const engine = requireDocker();
const SOLUTION = join(REPO_ROOT, 'labs', '02-haproxy-config', 'solutions', 'haproxy.cfg');
const STARTER = join(REPO_ROOT, 'labs', '02-haproxy-config', 'starter.cfg');

describe.skipIf(!engine.ok)(`lab apply on a student lab${skipNote(engine)}`, () => {
  it('comes up with the starter, refuses a broken file and :1936, reloads the solution', async () => {
    const p = uniqueProject();
    cleanupLab('02', p);
    const up = parseJson<{ workspace: string; studentConfig: string; urls: { app: string; stats: string } }>(
      expectExit(
        await runLab(['up', '02', '--replicas', '3', '--project', p, ...AUTO_PORTS, '--json'], { timeout: 150_000 }),
        0,
      ),
    );
    const student = up.studentConfig;
    expect(student).toBe(join(up.workspace, 'haproxy', 'haproxy.cfg'));
    expect(await readFile(student, 'utf8')).toBe(await readFile(STARTER, 'utf8'));
    const status = parseJson<{ studentConfig: string }>(
      expectExit(await runLab(['status', '02', '--project', p, '--json']), 0),
    );
    expect(status.studentConfig).toBe(student);
    // The student's file is theirs: the marker lists it apart from lab's files.
    const marker = JSON.parse(await readFile(join(up.workspace, 'lab-files.json'), 'utf8')) as {
      files: string[];
      student: string[];
    };
    expect(marker.student).toEqual(['haproxy/haproxy.cfg']);
    expect(marker.files).not.toContain('haproxy/haproxy.cfg');

    // A broken file: exit 2, HAProxy's message at the student's file and line, nothing changed.
    await writeFile(
      student,
      'frontend web\n    bind :8080\n    default_backend app\n\nbackend app\n    no-such-keyword on\n',
    );
    const broken = expectExit(await runLab(['apply', '02', '--project', p]), 2);
    expect(broken.stderr).toContain(`${student}:6`);
    expect(broken.stderr).toContain("unknown keyword 'no-such-keyword'");
    expect((await get(up.urls.stats, { auth: 'admin:admin' })).status).toBe(200);
    // The throwaway haproxy -c container is gone, also after a rejected file.
    const checks = await docker([
      'ps',
      '-aq',
      '--filter',
      `label=lab.project=${p}`,
      '--filter',
      'label=com.docker.compose.service=config-check',
    ]);
    expect(checks.stdout).toBe('');
    // lab up on the running lab with that edited file: the same check first, exit 2, HAProxy untouched.
    const upBroken = expectExit(await runLab(['up', '02', '--replicas', '3', '--project', p, ...AUTO_PORTS]), 2);
    expect(upBroken.stderr).toContain(`${student}:6`);
    expect(upBroken.stderr).toContain(`run lab up 02 again (nothing was started)`);
    expect((await get(up.urls.stats, { auth: 'admin:admin' })).status).toBe(200);

    // An empty file, or one of comments only, HAProxy would accept and serve nothing: exit 2.
    for (const text of ['', '# only a comment\n\n   # and another\n']) {
      await writeFile(student, text);
      const empty = expectExit(await runLab(['apply', '02', '--project', p]), 2);
      expect(empty.stderr).toContain(`${student} holds no HAProxy configuration`);
    }
    expect((await get(up.urls.stats, { auth: 'admin:admin' })).status).toBe(200);

    // The first task's solution: apply reloads, then grades what HAProxy now runs (exit 0 with
    // tasks still failing: they are the student's next step, not an error of apply).
    await writeFile(student, await readFile(join(SOLUTION, '..', '01-frontend.cfg'), 'utf8'));
    const s0 = performance.now();
    const first = parseJson<{ reloaded: boolean; gradedMs: number; tasks: { id: string; status: string }[] }>(
      expectExit(await runLab(['apply', '02', '--project', p, '--json']), 0),
    );
    console.log(
      `lab apply 02 (task frontend's solution) from save to graded result: ${first.gradedMs} ms inside lab, ${Math.round(performance.now() - s0)} ms for the whole process`,
    );
    expect(Object.fromEntries(first.tasks.map((t) => [t.id, t.status]))).toEqual({
      frontend: 'pass',
      'every-replica': 'fail',
      'health-checks': 'locked',
      'scale-joins': 'locked',
    });
    const tasks = expectExit(await runLab(['tasks', '02', '--project', p]), 0);
    expect(tasks.stdout).toMatch(/frontend.*passed/);

    // The reference solution: checked, reloaded, confirmed; traffic reaches every replica.
    await writeFile(student, await readFile(SOLUTION, 'utf8'));
    const t0 = performance.now();
    const applied = parseJson<{ reloaded: boolean; ms: number; configId: string }>(
      expectExit(await runLab(['apply', '02', '--project', p, '--json', '--no-grade']), 0),
    );
    const wallMs = performance.now() - t0;
    expect(applied.reloaded).toBe(true);
    console.log(`lab apply 02 (solution): ${applied.ms} ms inside lab, ${Math.round(wallMs)} ms for the whole process`);
    const seen = new Set<string>();
    const deadline = Date.now() + 15_000;
    while (seen.size < 3 && Date.now() < deadline) {
      const hit = await get(up.urls.app).catch(() => undefined);
      // Who answered, from the app itself (the solution writes no X-Served-By: none is needed).
      if (hit?.status === 200 && hit.replica) seen.add(hit.replica);
      else await new Promise((r) => setTimeout(r, 200));
    }
    expect([...seen].sort()).toEqual(['1', '2', '3']);

    // A file that binds lab's stats port is refused before HAProxy sees it; stats still served.
    await writeFile(student, `${await readFile(SOLUTION, 'utf8')}\nlisten mine\n    bind :1936\n`);
    const taken = expectExit(await runLab(['apply', '02', '--project', p]), 2);
    expect(taken.stderr).toMatch(
      new RegExp(`${student.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: binds port 1936, which is lab's stats page`),
    );
    expect((await get(up.urls.stats, { auth: 'admin:admin' })).status).toBe(200);
    expect((await get(up.urls.app)).status).toBe(200);

    // lab up with an edited, valid file checks it too: what that costs lab up. The same file
    // again was checked already: no cost.
    await writeFile(student, `${await readFile(SOLUTION, 'utf8')}\n# edited once more\n`);
    type UpTimes = { timingsMs: { studentCheckMs: number; totalMs: number } };
    const upAgain = async () =>
      parseJson<UpTimes>(
        expectExit(
          await runLab(['up', '02', '--replicas', '3', '--project', p, ...AUTO_PORTS, '--json'], { timeout: 150_000 }),
          0,
        ),
      ).timingsMs;
    const edited = await upAgain();
    expect(edited.studentCheckMs).toBeGreaterThan(0);
    const same = await upAgain();
    expect(same.studentCheckMs).toBe(0);
    console.log(
      `lab up 02 on the running lab with an edited file: haproxy -c ${edited.studentCheckMs} ms (beside the port probe), up ${edited.totalMs} ms in all; the same file again: up ${same.totalMs} ms, no check`,
    );

    // Stopped, with a broken file: lab up refuses it before starting anything (no DNS: -dr).
    expectExit(await runLab(['down', '02', '--project', p]), 0);
    await writeFile(student, 'frontend web\n    bind :8080\n    default_backend nowhere\n');
    const cold = expectExit(await runLab(['up', '02', '--project', p, ...AUTO_PORTS]), 2);
    expect(cold.stderr).toMatch(/HAProxy rejects .*haproxy\.cfg/);
    expect(cold.stderr).toContain("unable to find required default_backend: 'nowhere'");
    expect((await labObjects(p)).containers).toEqual([]);
  }, 300_000);
});
