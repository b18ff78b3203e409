/**
 * What goes wrong on a real machine, and what lab says about it: each case has its exit code,
 * a message that names the cause, and leaves nothing of the user's touched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { addrIp } from '../../src/core/haproxy-servers.ts';
import {
  AUTO_PORTS,
  FIXTURES,
  LOCAL_NODE,
  cleanupLab,
  describeRun,
  docker,
  dockerPath,
  engineHost,
  expectExit,
  freePort,
  get,
  hitApp,
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
} from './helpers.ts';

const engine = requireDocker();

/** Can a TCP client still connect to 127.0.0.1:port? */
function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.setTimeout(2000, () => (s.destroy(), resolve(false)));
    s.once('connect', () => (s.end(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

interface StatusJson {
  containers: { name: string; service: string; state: string; ip: string | null }[];
  servers: { server: string; addr: string | null; container: string | null; status: string }[];
}

describe.skipIf(!engine.ok).sequential(`lab on a real engine: faults${skipNote(engine)}`, () => {
  it('a port taken by a process: exit 3, names the port, starts nothing', async () => {
    const p = uniqueProject();
    cleanupLab('03', p);
    // The user's own server, on a random free port.
    const server: ChildProcess = spawn(
      process.execPath,
      ['-e', "const s=require('net').createServer(c=>c.end()).listen(0,'127.0.0.1',()=>console.log(s.address().port))"],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    onTestFinished(() => void server.kill('SIGKILL'));
    const port = Number((await waitForOutput(server.stdout, /^\d+\s*$/m, 10_000)).trim());

    const r = expectExit(
      await runLab(['up', '03', '--project', p, '--app-port', String(port), '--stats-port', 'auto']),
      3,
    );
    expect(r.stderr).toMatch(/already in use/);
    expect(r.stderr).toContain(`--app-port ${port} is in use`);
    const pid = /pid (\d+)/.exec(r.stderr)?.[1];
    if (pid) expect(Number(pid), 'names the wrong process').toBe(server.pid);
    expect(await labObjects(p)).toEqual(NOTHING);
    expect(await canConnect(port), "the user's server was disturbed").toBe(true);
  }, 60_000);

  it('a port published by a non-lab container: exit 3, names the container, leaves it running', async () => {
    const p = uniqueProject();
    const name = `e2e-user-${process.pid}`;
    // Its own network: the test does not rely on the engine's default bridge (docker0).
    const net = `e2e-user-net-${process.pid}`;
    cleanupLab('03', p, {
      after: async () => (await docker(['rm', '-f', name]), await docker(['network', 'rm', net])),
    });
    const port = await freePort();
    expect((await docker(['network', 'create', net])).exitCode).toBe(0);
    const run = await docker([
      'run',
      '-d',
      '--name',
      name,
      '--network',
      net,
      '-p',
      `127.0.0.1:${port}:8000`,
      LOCAL_NODE,
      'node',
      '-e',
      "require('http').createServer((q,s)=>s.end('x')).listen(8000)",
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    await poll(
      () =>
        get(`http://127.0.0.1:${port}/`).then(
          (h) => h.body,
          () => '',
        ),
      (b) => b === 'x',
      10_000,
    );

    const r = expectExit(
      await runLab(['up', '03', '--project', p, '--app-port', String(port), '--stats-port', 'auto']),
      3,
    );
    expect(r.stderr).toContain(`--app-port ${port} is published by container ${name}`);
    expect(await labObjects(p)).toEqual(NOTHING);
    const state = await docker(['inspect', '--format', '{{.State.Running}}', name]);
    expect(state.stdout, "the user's container was touched").toBe('true');
    expect((await get(`http://127.0.0.1:${port}/`)).body).toBe('x');
  }, 60_000);

  it.each(['0', '101', 'abc'])(
    '--replicas %s: exit 2, nothing started',
    async (n) => {
      const p = uniqueProject();
      cleanupLab('03', p);
      const r = expectExit(await runLab(['up', '03', '--replicas', n, '--project', p, ...AUTO_PORTS]), 2);
      expect(r.stderr).toContain(`--replicas must be a whole number from 1 to 100, got "${n}"`);
      expect(await labObjects(p)).toEqual(NOTHING);
    },
    30_000,
  );

  it('an unknown lab: exit 2, lists the labs', async () => {
    const r = expectExit(await runLab(['up', '99', '--project', uniqueProject(), ...AUTO_PORTS]), 2);
    expect(r.stderr).toContain('No lab "99"');
    expect(r.stderr).toContain('03-load-balancing');
  }, 30_000);

  it('an unreachable engine: exit 3, names the address', async () => {
    const host = `unix:///tmp/nonexistent-${process.pid}.sock`;
    const r = expectExit(
      await runLab(['up', '03', '--project', uniqueProject(), ...AUTO_PORTS], {
        env: { DOCKER_HOST: host, DOCKER_CONTEXT: undefined },
      }),
      3,
    );
    expect(r.stderr).toContain(`Cannot reach the Docker engine at ${host}`);
    expect(r.stderr).toMatch(/socket does not exist/);
  }, 30_000);

  it("an app that fails its health check: exit 4 with HAProxy's check and the app's logs", async () => {
    const p = uniqueProject();
    // A tag of this run's own: other runs on the same engine build and remove theirs.
    const tag = `lab-e2e/broken:${process.pid}`;
    const dir = await tempDir('lab-e2e-labs-');
    await mkdir(join(dir, 'labs', '90-broken-health'), { recursive: true });
    const labYaml = (await readFile(join(FIXTURES, 'broken-health', 'lab.yaml'), 'utf8')).replace(
      'image: lab-e2e/broken:1',
      `image: ${tag}`,
    );
    expect(labYaml).toContain(tag);
    await writeFile(join(dir, 'labs', '90-broken-health', 'lab.yaml'), labYaml);
    await cp(join(FIXTURES, 'broken-health', 'app'), join(dir, 'broken-app'), { recursive: true });
    const env = { LAB_LABS_DIR: join(dir, 'labs') };
    // `down` by full id works even once the lab file is gone.
    cleanupLab('90-broken-health', p, { env, after: () => docker(['image', 'rm', '-f', tag]) });

    const t0 = Date.now();
    const r = expectExit(await runLab(['up', '90', '--project', p, '--timeout', '8', ...AUTO_PORTS], { env }), 4);
    expect(Date.now() - t0, 'the --timeout was not honoured').toBeLessThan(45_000);
    expect(r.stderr).toContain('Not ready after 8 s: HAProxy has 0 of 2 replicas UP');
    expect(r.stderr).toMatch(new RegExp(`${p}-app-[12]`));
    expect(r.stderr).toMatch(/L7STS/);
    expect(r.stderr).toMatch(/\b500\b/);
    // The container's last log lines.
    expect(r.stderr).toMatch(/health check failed on purpose|broken-health app listening/);
    // The app image was built from the lab's own context with the substituted base image.
    expect((await docker(['image', 'inspect', tag])).exitCode).toBe(0);
  }, 90_000);

  it('HAProxy that listens only seconds after its port is published: up waits for it (exit 0)', async () => {
    // Docker's port proxy accepts connections on the published stats port before HAProxy
    // listens; lab's readiness wait must keep polling through that, not die (it once exited
    // 13, "unsettled top-level await", with no message).
    const p = uniqueProject();
    const tag = `lab-e2e/slow-haproxy:${process.pid}`;
    const built = await docker(['build', '-q', '-t', tag, join(FIXTURES, 'slow-haproxy')], { timeout: 120_000 });
    expect(built.exitCode, built.stderr).toBe(0);
    cleanupLab('03', p, { after: () => docker(['image', 'rm', '-f', tag]) });
    const r = expectExit(
      await runLab([
        'up',
        '03',
        '--replicas',
        '2',
        '--project',
        p,
        ...AUTO_PORTS,
        '--image',
        `haproxy:3.0=${tag}`,
        '--json',
      ]),
      0,
    );
    const j = parseJson<{ servers: unknown[]; timingsMs: { readyMs: number } }>(r);
    expect(j.servers).toHaveLength(2);
    expect(j.timingsMs.readyMs, 'HAProxy was not slow: the test proves nothing').toBeGreaterThan(1500);
  }, 90_000);

  it('a replica killed by hand: status shows it exited and HAProxy drops it', async () => {
    const p = uniqueProject();
    const { app } = await up03(p, ['--replicas', '3']);
    const victim = (await serviceContainers(p, 'app', true))[0]!;
    const ip = (
      await docker(['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', victim])
    ).stdout;
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect((await docker(['kill', victim])).exitCode).toBe(0);

    const gone = (s: StatusJson) => {
      const c = s.containers.find((x) => x.name === victim);
      const server = s.servers.find((x) => addrIp(x) === ip);
      return c !== undefined && c.state !== 'running' && (server === undefined || !server.status.startsWith('UP'));
    };
    let last = '';
    const s = await poll(
      async () => {
        const r = await runLab(['status', '03', '--project', p, '--json']);
        last = describeRun(r);
        return r.exitCode === 0 ? parseJson<StatusJson>(r) : undefined;
      },
      (v) => v !== undefined && gone(v),
      10_000,
      500,
    );
    expect(s && gone(s), `status never showed ${victim} (${ip}) down:\n${last}`).toBe(true);
    expect(s!.containers.find((x) => x.name === victim)!.state).toBe('exited');
    // The others still serve.
    const t = await hitApp(app, 10);
    expect(t.statuses).toEqual({ 200: 10 });
    expect(Object.keys(t.servedBy)).toHaveLength(2);
  }, 60_000);

  it('a stats endpoint that does not answer: status exits 4 and says so', async () => {
    const p = uniqueProject();
    await up03(p, ['--replicas', '1']);
    const [haproxy] = await serviceContainers(p, 'haproxy', true);
    expect((await docker(['pause', haproxy!])).exitCode).toBe(0);
    try {
      const r = expectExit(await runLab(['status', '03', '--project', p], { timeout: 30_000 }), 4);
      expect(r.stderr).toMatch(/stats endpoint http:\/\/\S+ does not answer/);
      const j = expectExit(await runLab(['status', '03', '--project', p, '--json'], { timeout: 30_000 }), 4);
      const body = parseJson<{ outcome: string; error: string }>(j);
      expect(body.outcome).toBe('error');
      expect(body.error).toMatch(/does not answer/);
    } finally {
      await docker(['unpause', haproxy!]);
    }
  }, 60_000);

  it('Ctrl-C during up: exit 130, then up succeeds and down leaves nothing', async () => {
    const p = uniqueProject();
    cleanupLab('03', p);
    const args = ['up', '03', '--project', p, ...AUTO_PORTS];
    const child = spawnLab(args, { timeout: 60_000 });
    // Interrupt once compose is creating the containers (≈1.5 s in), not before lab started.
    await waitForOutput(child.stderr, /Starting \d+ replica/, 30_000).catch(() => undefined);
    await sleep(300);
    child.kill('SIGINT');
    const r = await settle(child, args);
    expect(r.timedOut, `lab did not exit after Ctrl-C\n${describeRun(r)}`).toBe(false);
    expectExit(r, 130);
    expect(r.stderr).toMatch(/Interrupted/);
    // Locks are named <project>@<engine>.lock (one per engine and project).
    const locks = existsSync(join(labHome(), 'locks')) ? readdirSync(join(labHome(), 'locks')) : [];
    expect(
      locks.filter((f) => f.startsWith(`${p}@`)),
      'the project lock was left behind',
    ).toEqual([]);

    const again = expectExit(await runLab([...args, '--json']), 0);
    expect(parseJson(again).outcome).toBe('success');
    expect(await serviceContainers(p, 'app', true)).toHaveLength(3);
    expectExit(await runLab(['down', '03', '--project', p]), 0);
    expect(await labObjects(p)).toEqual(NOTHING);
  }, 90_000);

  it('two commands at once on one project: the second exits 3 naming the first, the first succeeds', async () => {
    const p = uniqueProject();
    cleanupLab('03', p);
    const args = ['up', '03', '--project', p, ...AUTO_PORTS, '--json'];
    const first = spawnLab(args);
    await waitForOutput(first.stderr, /Checking the Docker engine/, 30_000);
    // Text mode, so the message is on stderr (with --json it is the one object on stdout).
    const [up2, down2] = await Promise.all([
      runLab(args.filter((a) => a !== '--json')),
      runLab(['down', '03', '--project', p]),
    ]);
    for (const r of [up2, down2]) {
      expectExit(r, 3);
      expect(r.stderr, describeRun(r)).toContain(`Another lab command is working on ${p}`);
      expect(r.stderr, describeRun(r)).toContain(`pid ${first.pid}`);
      expect(r.stdout, 'text mode: the error belongs on stderr').toBe('');
    }
    const r1 = expectExit(await settle(first, args), 0);
    expect(parseJson(r1).outcome).toBe('success');
    // The refused down removed nothing.
    expect(await serviceContainers(p, 'app', true)).toHaveLength(3);
  }, 90_000);

  it('DOCKER_HOST set explicitly works (up + down)', async () => {
    const p = uniqueProject();
    const env = { DOCKER_HOST: engineHost(), DOCKER_CONTEXT: undefined };
    cleanupLab('03', p, { env });
    const r = expectExit(await runLab(['up', '03', '--replicas', '1', '--project', p, ...AUTO_PORTS], { env }), 0);
    expect(r.stderr).toContain(`Docker engine at ${env.DOCKER_HOST}`);
    expect((await hitApp(/App:\s+(\S+)/.exec(r.stdout)![1]!, 2)).statuses).toEqual({ 200: 2 });
    expectExit(await runLab(['down', '03', '--project', p], { env }), 0);
    expect(await labObjects(p)).toEqual(NOTHING);
  }, 60_000);

  it('a docker context in use (DOCKER_CONTEXT) works', async () => {
    const p = uniqueProject();
    const ctxName = `e2e-ctx-${process.pid}`;
    const created = await docker(['context', 'create', ctxName, '--docker', `host=${engineHost()}`]);
    expect(created.exitCode, created.stderr).toBe(0);
    const env = { DOCKER_CONTEXT: ctxName, DOCKER_HOST: undefined };
    cleanupLab('03', p, { env, after: () => docker(['context', 'rm', '-f', ctxName]) });
    const r = expectExit(
      await runLab(['up', '03', '--replicas', '1', '--project', p, ...AUTO_PORTS, '--json'], { env }),
      0,
    );
    expect(parseJson(r).outcome).toBe('success');
    const s = expectExit(await runLab(['status', '03', '--project', p, '--json'], { env }), 0);
    expect(parseJson(s).servers).toHaveLength(1);
    expectExit(await runLab(['down', '03', '--project', p], { env }), 0);
    expect(await labObjects(p)).toEqual(NOTHING);
  }, 60_000);

  it("the docker config's current context is followed (lab reads config.json itself when no context is named)", async () => {
    // A context in a config of this test's own, pointing at a socket that does not exist:
    // lab must report that address, not quietly fall back to the default engine.
    const config = await tempDir('lab-e2e-docker-config-');
    const host = `unix:///tmp/nonexistent-ctx-${process.pid}.sock`;
    expect(
      (await docker(['--config', config, 'context', 'create', 'elsewhere', '--docker', `host=${host}`])).exitCode,
    ).toBe(0);
    expect((await docker(['--config', config, 'context', 'use', 'elsewhere'])).exitCode).toBe(0);
    const r = expectExit(
      await runLab(['status', '03', '--project', uniqueProject()], {
        env: { DOCKER_CONFIG: config, DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined },
      }),
      3,
    );
    expect(r.stderr).toContain(`Cannot reach the Docker engine at ${host}`);
  }, 30_000);

  it('only Compose v1 installed: exit 3, says lab needs v2', async () => {
    const p = uniqueProject();
    cleanupLab('03', p);
    const bin = await tempDir('lab-e2e-shims-');
    const real = dockerPath();
    await writeFile(
      join(bin, 'docker'),
      // What docker CLI 28 without the compose plugin prints: it parses Compose's flags as its own.
      `#!/bin/sh\nif [ "$1" = compose ]; then for a in "$@"; do case "$a" in -*) echo "unknown flag: $a" >&2; echo "See 'docker --help'." >&2; exit 125;; esac; done; echo "docker: unknown command: docker compose" >&2; exit 1; fi\nexec ${real} "$@"\n`,
    );
    await writeFile(
      join(bin, 'docker-compose'),
      `#!/bin/sh\nif [ "$1" = version ] && [ "$2" = --short ]; then echo 1.29.2; exit 0; fi\necho "docker-compose shim: $*" >&2\nexit 1\n`,
    );
    await chmod(join(bin, 'docker'), 0o755);
    await chmod(join(bin, 'docker-compose'), 0o755);
    const r = expectExit(
      await runLab(['up', '03', '--project', p, ...AUTO_PORTS], { env: { PATH: `${bin}:${process.env.PATH}` } }),
      3,
    );
    expect(r.stderr).toMatch(/Only Compose v1 \(docker-compose 1\.29\.2\) is installed; lab needs Compose v2/);
    expect(await labObjects(p)).toEqual(NOTHING);
  }, 30_000);
});
