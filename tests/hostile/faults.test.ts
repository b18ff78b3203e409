/**
 * Hostile suite, faults: what a real machine does to a running lab (Ctrl-C at each step of
 * `up`, kill -9, two commands at once, HAProxy or every replica killed, the workspace deleted)
 * and what lab must then do. Each case asserts the exit code, that the message names the cause,
 * that there is no stack trace, and that nothing is left behind that the user did not ask for
 * (or that running the command again recovers).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  AUTO_PORTS,
  FIXTURES,
  cleanupLab,
  describeRun,
  docker,
  expectExit,
  get,
  labHome,
  labObjects,
  NOTHING,
  parseJson,
  poll,
  requireDocker,
  runLab,
  serviceContainers,
  settle,
  skipNote,
  sleep,
  spawnLab,
  tempDir,
  uniqueProject,
  up03,
  waitForOutput,
  type LabResult,
} from '../e2e/helpers.ts';

const engine = requireDocker();
const SOCKET = '/var/run/docker.sock';

// ---------------------------------------------------------------------------------------------
// Small local assertions (the shared table runner lives in tests/hostile/harness.ts elsewhere).

/** No JavaScript stack frame in anything lab printed. */
function noStackTrace(r: LabResult): void {
  expect(`${r.stdout}\n${r.stderr}`, `a stack trace was printed\n${describeRun(r)}`).not.toMatch(
    /^\s+at .+(\(|\s)\S+:\d+:\d+\)?$/m,
  );
}

/** Lock files of a project left in LAB_HOME/locks. */
const locksOf = (project: string): string[] => {
  const dir = join(labHome(), 'locks');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith(`${project}@`)) : [];
};

const workspaceOf = (project: string) => join(labHome(), 'workspaces', project);

/** HAProxy's own word on what it runs: the app backend's row of its stats CSV. */
async function runningBackend(statsUrl: string): Promise<{ algo: string; mode: string }> {
  const csv = (await get(`${statsUrl.replace(/\/$/, '')}/;csv;norefresh`, { auth: 'admin:admin' })).body;
  const [head = '', ...rows] = csv.trim().split('\n');
  const names = head.replace(/^# /, '').split(',');
  const row = rows.map((l) => l.split(',')).find((cells) => cells[0] === 'app' && cells[1] === 'BACKEND') ?? [];
  return { algo: row[names.indexOf('algo')] ?? '', mode: row[names.indexOf('mode')] ?? '' };
}

/** The stats URL of a project's HAProxy as the engine publishes it now. */
async function statsUrlOf(project: string): Promise<string> {
  const [haproxy] = await serviceContainers(project, 'haproxy', true);
  const port = (await docker(['port', haproxy!, '1936/tcp'])).stdout.split('\n')[0]!.split(':').pop();
  return `http://127.0.0.1:${port}/`;
}

/**
 * An engine that accepts connections and never answers (a stuck daemon), on a socket of this
 * test's own: lab's engine check waits on it until Ctrl-C or its deadline.
 */
async function hangingEngine(): Promise<string> {
  const path = join(await tempDir('lab-hostile-hang-'), 'docker.sock');
  const held: Socket[] = [];
  const server = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  onTestFinished(() => {
    for (const socket of held) socket.destroy();
    server.close();
  });
  return `unix://${path}`;
}

describe.skipIf(!engine.ok).sequential(`hostile: faults${skipNote(engine)}`, () => {
  it('Ctrl-C during the engine check: exit 130 at once, nothing started or written, no lock left', async () => {
    const p = uniqueProject();
    cleanupLab('03', p);
    const args = ['up', '03', '--project', p, ...AUTO_PORTS];
    const child = spawnLab(args, {
      env: { DOCKER_HOST: await hangingEngine(), DOCKER_CONTEXT: undefined },
      timeout: 60_000,
    });
    await waitForOutput(child.stderr, /Checking the Docker engine/, 30_000);
    await sleep(500);
    const t0 = Date.now();
    child.kill('SIGINT');
    const r = await settle(child, args);
    expectExit(r, 130);
    expect(Date.now() - t0, `lab kept waiting for the engine check after Ctrl-C\n${describeRun(r)}`).toBeLessThan(5000);
    expect(r.stderr).toMatch(/Interrupted while reaching the Docker engine/);
    noStackTrace(r);
    expect(await labObjects(p)).toEqual(NOTHING);
    expect(existsSync(workspaceOf(p)), 'a workspace was written').toBe(false);
    expect(locksOf(p)).toEqual([]);
  }, 60_000);

  it('an engine that never answers: exit 3 after the 10 s deadline, naming the address', async () => {
    const host = await hangingEngine();
    const t0 = Date.now();
    const r = expectExit(
      await runLab(['status', '03', '--project', uniqueProject()], {
        env: { DOCKER_HOST: host, DOCKER_CONTEXT: undefined },
      }),
      3,
    );
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.stderr).toContain(`The Docker engine at ${host} (from DOCKER_HOST) did not answer within 10 s`);
    noStackTrace(r);
  }, 30_000);

  it('Ctrl-C during compose: exit 130, no lock left, up again recovers and down leaves nothing', async () => {
    const p = uniqueProject();
    cleanupLab('03', p);
    const args = ['up', '03', '--project', p, ...AUTO_PORTS];
    const child = spawnLab(args, { timeout: 60_000 });
    await waitForOutput(child.stderr, /Starting \d+ replica/, 30_000);
    await sleep(300);
    child.kill('SIGINT');
    const r = await settle(child, args);
    expectExit(r, 130);
    expect(r.stderr).toMatch(/Interrupted/);
    expect(r.stderr).toContain(`lab up 03 again, or lab down 03`);
    noStackTrace(r);
    expect(locksOf(p)).toEqual([]);
    expectExit(await runLab(args), 0);
    expect(await serviceContainers(p, 'app', true)).toHaveLength(3);
    expectExit(await runLab(['down', '03', '--project', p]), 0);
    expect(await labObjects(p)).toEqual(NOTHING);
  }, 120_000);

  it('Ctrl-C during the readiness wait: exit 130, says the containers run and what to do; up again recovers', async () => {
    const p = uniqueProject();
    // HAProxy that listens only ~3 s after start: a wide readiness window to interrupt.
    const tag = `lab-e2e/slow-haproxy:${process.pid}`;
    const built = await docker(['build', '-q', '-t', tag, join(FIXTURES, 'slow-haproxy')], { timeout: 120_000 });
    expect(built.exitCode, built.stderr).toBe(0);
    cleanupLab('03', p, { after: () => docker(['image', 'rm', '-f', tag]) });
    const args = ['up', '03', '--replicas', '2', '--project', p, ...AUTO_PORTS, '--image', `haproxy:3.0=${tag}`];
    const child = spawnLab(args, { timeout: 60_000 });
    await waitForOutput(child.stderr, /Waiting for HAProxy/, 45_000);
    await sleep(500);
    child.kill('SIGINT');
    const r = await settle(child, args);
    expectExit(r, 130);
    expect(r.stderr).toMatch(/Interrupted while waiting for HAProxy/);
    expect(r.stderr).toContain('The containers are running: run lab up 03 again to wait for them, or lab down 03');
    noStackTrace(r);
    expect(locksOf(p)).toEqual([]);
    expectExit(await runLab(args), 0);
    expectExit(await runLab(['down', '03', '--project', p]), 0);
    expect(await labObjects(p)).toEqual(NOTHING);
  }, 150_000);

  it('kill -9 of up: its lock is stale, the next up takes it over and converges the lab', async () => {
    const p = uniqueProject();
    cleanupLab('03', p);
    const args = ['up', '03', '--project', p, ...AUTO_PORTS];
    const child = spawnLab(args, { timeout: 60_000 });
    await waitForOutput(child.stderr, /Starting \d+ replica/, 30_000);
    await sleep(300);
    child.kill('SIGKILL');
    await settle(child, args);
    expect(locksOf(p), 'kill -9 leaves its lock (what this case is about)').toHaveLength(1);
    // The orphaned `docker compose up` goes on by itself; let it finish as a user would.
    await poll(
      async () => spawnSync('pgrep', ['-f', `--project-name ${p} `]).status,
      (status) => status === 1,
      30_000,
      300,
    );
    const again = expectExit(await runLab([...args, '--json']), 0);
    expect(parseJson(again).servers).toHaveLength(3);
    expect(locksOf(p)).toEqual([]);
    expectExit(await runLab(['down', '03', '--project', p]), 0);
    expect(await labObjects(p)).toEqual(NOTHING);
  }, 120_000);

  it('ten `lab up 03` at once: exactly one proceeds, nine exit 3 naming it', async () => {
    const p = uniqueProject();
    cleanupLab('03', p);
    const args = ['up', '03', '--replicas', '1', '--project', p, ...AUTO_PORTS];
    const children = Array.from({ length: 10 }, () => spawnLab(args, { timeout: 90_000 }));
    const runs = await Promise.all(children.map((c) => settle(c, args)));
    const ok = runs.filter((r) => r.exitCode === 0);
    const busy = runs.filter((r) => r.exitCode === 3);
    const all = runs.map(describeRun).join('\n');
    expect(ok, all).toHaveLength(1);
    expect(busy, all).toHaveLength(9);
    const winner = children[runs.indexOf(ok[0]!)]!.pid;
    for (const r of busy) {
      expect(r.stderr).toContain(`Another lab command is working on ${p}: "lab up 03" (pid ${winner}`);
      noStackTrace(r);
    }
    expect(await serviceContainers(p, 'app', true)).toHaveLength(1);
    expect(locksOf(p)).toEqual([]);
  }, 150_000);

  it('the same engine named another way (--hosts, a symlinked socket) is locked too: the fleet down is refused', async () => {
    const p = uniqueProject();
    cleanupLab('03', p);
    const dir = await tempDir('lab-hostile-hosts-');
    await symlink(SOCKET, join(dir, 'docker.sock'));
    await writeFile(join(dir, 'room.hosts'), `self unix://${join(dir, 'docker.sock')}\n`);
    const args = ['up', '03', '--project', p, ...AUTO_PORTS, '--json'];
    const first = spawnLab(args, { env: { DOCKER_HOST: `unix://${SOCKET}`, DOCKER_CONTEXT: undefined } });
    await waitForOutput(first.stderr, /Checking the Docker engine/, 30_000);
    const down = await runLab(['--hosts', join(dir, 'room.hosts'), 'down', '03', '--project', p]);
    expectExit(down, 3);
    expect(`${down.stdout}${down.stderr}`).toContain(
      `Another lab command is working on ${p}: "lab up 03" (pid ${first.pid}`,
    );
    noStackTrace(down);
    expectExit(await settle(first, args), 0);
    expect(await serviceContainers(p, 'app', true), 'the refused down removed something').toHaveLength(3);
  }, 90_000);

  it('down during check --failover: refused with exit 3 naming the drill, which passes', async () => {
    const p = uniqueProject();
    await up03(p);
    const args = ['check', '03', '--project', p, '--failover'];
    const drill = spawnLab(args, { timeout: 90_000 });
    await waitForOutput(drill.stderr, /failover-drill/, 60_000);
    await sleep(1500);
    const down = await runLab(['down', '03', '--project', p]);
    expectExit(down, 3);
    expect(down.stderr).toContain(
      `Another lab command is working on ${p}: "lab check 03 --failover" (pid ${drill.pid}`,
    );
    noStackTrace(down);
    const r = expectExit(await settle(drill, args), 0);
    expect(r.stdout).toMatch(/PASS stop on .*: HAProxy took it out in .*, back UP .* after the fault was cleared/);
    expect(await serviceContainers(p, 'app', true)).toHaveLength(3);
  }, 120_000);

  it('HAProxy killed during the failover drill: exit 1 within seconds, says HAProxy is gone, the replica is started again', async () => {
    const p = uniqueProject();
    await up03(p);
    const [haproxy] = await serviceContainers(p, 'haproxy', true);
    const args = ['check', '03', '--project', p, '--failover'];
    const drill = spawnLab(args, { timeout: 90_000 });
    await waitForOutput(drill.stderr, /failover-drill/, 60_000);
    await sleep(1800); // the drill stops a replica 1 s in
    expect((await docker(['kill', haproxy!])).exitCode).toBe(0);
    const killedAt = Date.now();
    const r = expectExit(await settle(drill, args), 1);
    expect(Date.now() - killedAt, `the drill noticed late\n${describeRun(r)}`).toBeLessThan(10_000);
    expect(r.stdout).toContain(`HAProxy is gone: its container ${haproxy} is exited`);
    expect(r.stdout).not.toMatch(/no survivor took traffic/);
    noStackTrace(r);
    // The drill's victim runs again: lab leaves no replica stopped.
    expect(await serviceContainers(p, 'app', true)).toHaveLength(3);
  }, 120_000);

  it('HAProxy killed during the distribution check: exit 1, the text output says why', async () => {
    const p = uniqueProject();
    await up03(p, ['--replicas', '2']);
    const [haproxy] = await serviceContainers(p, 'haproxy', true);
    const args = ['check', '03', '--project', p, '--requests', '50000'];
    const check = spawnLab(args, { timeout: 90_000 });
    await waitForOutput(check.stderr, /traffic-is-spread: sending/, 60_000);
    await sleep(500);
    expect((await docker(['kill', haproxy!])).exitCode).toBe(0);
    const r = expectExit(await settle(check, args), 1);
    expect(r.stdout).toMatch(/FAIL HAProxy's stats endpoint http:\/\/\S+ does not answer/);
    noStackTrace(r);
    // up brings HAProxy back.
    expectExit(await runLab(['up', '03', '--replicas', '2', '--project', p, ...AUTO_PORTS]), 0);
  }, 120_000);

  it('every replica killed: check fails saying so; up again recovers', async () => {
    const p = uniqueProject();
    const { app } = await up03(p);
    const apps = await serviceContainers(p, 'app', true);
    expect((await docker(['kill', ...apps])).exitCode).toBe(0);
    // HAProxy takes a moment to mark them DOWN; the user runs check when the app stops answering.
    await poll(
      () =>
        get(app).then(
          (h) => h.status,
          () => 0,
        ),
      (s) => s === 503,
      15_000,
      300,
    );
    const r = expectExit(await runLab(['check', '03', '--project', p]), 1);
    expect(r.stdout).toMatch(/FAIL 0 of 3 replicas are UP in HAProxy \(0 app containers running\)/);
    expect(r.stdout).toMatch(/traffic-is-spread[\s\S]*FAIL /);
    noStackTrace(r);
    const again = expectExit(await runLab(['up', '03', '--project', p, ...AUTO_PORTS, '--json']), 0);
    expect(parseJson(again).servers).toHaveLength(3);
    expectExit(await runLab(['check', '03', '--project', p]), 0);
  }, 120_000);

  it('workspace deleted while running: check says so (exit 2); up, then up --algorithm static-rr really runs static-rr', async () => {
    const p = uniqueProject();
    await up03(p, ['--replicas', '2']);
    await rm(workspaceOf(p), { recursive: true, force: true });
    const lost = expectExit(await runLab(['check', '03', '--project', p]), 2);
    expect(lost.stderr).toContain(`The workspace of ${p} (${workspaceOf(p)}) is gone`);
    noStackTrace(lost);
    expectExit(await runLab(['up', '03', '--replicas', '2', '--project', p, ...AUTO_PORTS]), 0);
    const changed = expectExit(
      await runLab(['up', '03', '--replicas', '2', '--project', p, ...AUTO_PORTS, '--algorithm', 'static-rr']),
      0,
    );
    expect(await runningBackend(await statsUrlOf(p)), 'HAProxy does not run what up said it runs').toEqual({
      algo: 'static-rr',
      mode: 'http',
    });
    // HAProxy's reload could not read the deleted folder; lab saw it and recreated HAProxy.
    expect(changed.stderr).toMatch(
      /HAProxy did not load the new configuration \(.*Cannot open configuration file.*\); recreating its container/,
    );
    const check = expectExit(await runLab(['check', '03', '--project', p]), 0);
    expect(check.stdout).toContain('as static-rr should');
    expect(check.stdout).not.toContain('note:');
  }, 150_000);

  it('check judges what HAProxy runs: lab.json edited to say static-rr, HAProxy runs roundrobin', async () => {
    const p = uniqueProject();
    await up03(p, ['--replicas', '2']);
    const file = join(workspaceOf(p), 'lab.json');
    const state = JSON.parse(await readFile(file, 'utf8'));
    state.options.algorithm = 'static-rr';
    await writeFile(file, JSON.stringify(state));
    const r = expectExit(await runLab(['check', '03', '--project', p]), 0);
    expect(r.stdout).toContain(
      'note: HAProxy runs balance roundrobin, lab.json says static-rr: judged against what HAProxy runs',
    );
    expect(r.stdout).toContain('as roundrobin should');
    expect(r.stdout).not.toContain('as static-rr should');
  }, 90_000);

  it('a HAProxy that runs another file than lab wrote: up exits 4 with its log, and up with the real image recovers', async () => {
    const p = uniqueProject();
    // An image that ignores the mounted haproxy.cfg and runs a file of its own: lab's own
    // rendering of the lab, but with balance first.
    const tag = `lab-e2e/baked-haproxy:${process.pid}`;
    const ctxDir = await tempDir('lab-hostile-baked-');
    expectExit(
      await runLab([
        'render',
        '03',
        '--replicas',
        '1',
        '--algorithm',
        'first',
        '--project',
        p,
        '--workspace',
        join(ctxDir, 'etc'),
      ]),
      0,
    );
    await writeFile(
      join(ctxDir, 'Dockerfile'),
      'FROM lab-local/haproxy:3.0\nCOPY etc/haproxy/haproxy.cfg /etc/baked/haproxy.cfg\nCMD ["haproxy", "-W", "-db", "-f", "/etc/baked/haproxy.cfg"]\n',
    );
    const built = await docker(['build', '-q', '-t', tag, ctxDir], { timeout: 120_000 });
    expect(built.exitCode, built.stderr).toBe(0);
    cleanupLab('03', p, { after: () => docker(['image', 'rm', '-f', tag]) });
    const r = expectExit(
      await runLab(
        [
          'up',
          '03',
          '--replicas',
          '1',
          '--project',
          p,
          ...AUTO_PORTS,
          '--image',
          `haproxy:3.0=${tag}`,
          '--timeout',
          '30',
        ],
        { timeout: 90_000 },
      ),
      4,
    );
    expect(r.stderr).toMatch(
      /HAProxy does not run the configuration lab wrote: it serves config [0-9a-f]{16}, lab wrote [0-9a-f]{16}, even after recreating/,
    );
    expect(r.stderr).toContain(`HAProxy's log (${p}-haproxy-1):`);
    noStackTrace(r);
    expect(locksOf(p)).toEqual([]);
    const again = expectExit(await runLab(['up', '03', '--replicas', '1', '--project', p, ...AUTO_PORTS, '--json']), 0);
    expect(parseJson(again).servers).toHaveLength(1);
  }, 150_000);
});
