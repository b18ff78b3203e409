/**
 * lab on Podman (issue #27): the same binary, pointed at Podman's Docker-compatible API with
 * DOCKER_HOST, as a classroom on RHEL or Podman Desktop would. CI provisions Podman beside
 * Docker (.ci/provision-podman.sh: its own storage and socket, so the engines share nothing);
 * without a Podman socket answering, this file is skipped and says why.
 * Engine-wide group, alone: Podman's published ports come from the same host as Docker's.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AUTO_PORTS, docker, expectExit, get, loopback, parseJson, runLab, uniqueProject } from './helpers.ts';

const PODMAN_HOST = process.env.LAB_PODMAN_HOST ?? 'unix:///run/podman/podman.sock';
const env = { DOCKER_HOST: PODMAN_HOST };
const podmanEnv = { ...process.env, ...env };
const socket = PODMAN_HOST.replace(/^unix:\/\//, '');
const version = existsSync(socket)
  ? await docker(['version', '--format', '{{json .Server.Components}}'], { env: podmanEnv, timeout: 10_000 })
  : undefined;
const isPodman = version?.exitCode === 0 && /Podman/.test(version.stdout);
const why = !existsSync(socket)
  ? `no Podman socket at ${socket} (bash .ci/provision-podman.sh starts one)`
  : !isPodman
    ? `${PODMAN_HOST} is not Podman`
    : '';

/** Podman's containers and networks of a project, through its Docker API. */
async function onPodman(project: string): Promise<string[]> {
  const filter = ['--filter', `label=lab.project=${project}`];
  const [c, n] = await Promise.all([
    docker(['ps', '-a', '--format', '{{.Names}}', ...filter], { env: podmanEnv }),
    docker(['network', 'ls', '--format', '{{.Name}}', ...filter], { env: podmanEnv }),
  ]);
  return [...c.stdout.split('\n'), ...n.stdout.split('\n')].map((s) => s.trim()).filter(Boolean);
}

/** lab down, then the CLI as a backstop, whatever the test did. */
function cleanupOnPodman(lab: string, project: string): void {
  onTestFinished(async () => {
    await runLab(['down', lab, '--project', project], { env, timeout: 60_000 }).catch(() => undefined);
    const ids = (await docker(['ps', '-aq', '--filter', `label=lab.project=${project}`], { env: podmanEnv })).stdout
      .split('\n')
      .filter(Boolean);
    if (ids.length) await docker(['rm', '-f', ...ids], { env: podmanEnv });
  }, 90_000);
}

describe.skipIf(!isPodman)(`lab on Podman${why ? ` (skipped: ${why})` : ''}`, () => {
  it('lab doctor names Podman and what does not work on it', async () => {
    const r = parseJson<{ checks: { name: string; status: string; detail: string }[] }>(
      await runLab(['doctor', '--json'], { env }),
    );
    const engine = r.checks.find((c) => c.name === 'engine');
    expect(engine?.status).toBe('ok');
    expect(engine?.detail).toMatch(
      /^Podman \d+\.\d+\.\d+ \(Docker API [\d.]+\) at unix:\/\/\/run\/podman\/podman\.sock/,
    );
    expect(engine?.detail).toContain('not on this engine: --target swarm (it has no Swarm mode)');
  });

  it('a Podman socket nobody serves: exit 3 naming it and the command that starts it', async () => {
    const r = expectExit(
      await runLab(['up', '03', '--project', uniqueProject()], {
        env: { DOCKER_HOST: 'unix:///run/podman/nobody/podman.sock' },
      }),
      3,
    );
    expect(r.stderr).toContain('Cannot reach the Podman engine at unix:///run/podman/nobody/podman.sock');
    expect(r.stderr).toContain('podman system service --time=0 unix:///run/podman/nobody/podman.sock &');
  });

  it('lab up 09 --target swarm: exit 3 with the reason, nothing written', async () => {
    const r = expectExit(await runLab(['up', '09', '--target', 'swarm'], { env }), 3);
    expect(r.stderr).toContain('Podman has no Swarm mode: --target swarm needs Docker Engines joined in a swarm');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('lifecycle of lab 03: up, traffic on every replica, scale, the failover drill, down with nothing left', async () => {
    const p = uniqueProject();
    cleanupOnPodman('03', p);
    const started = expectExit(
      await runLab(['up', '03', '--project', p, ...AUTO_PORTS, '--json'], { env, timeout: 180_000 }),
      0,
    );
    expect(started.stderr).toContain(`Podman engine at ${PODMAN_HOST}`);
    const up = parseJson<{ urls: { app: string } }>(started);
    const answers = await Promise.all(Array.from({ length: 9 }, () => get(loopback(up.urls.app).href)));
    expect(answers.map((a) => a.status)).toEqual(Array(9).fill(200));
    expectExit(await runLab(['scale', '03', '5', '--project', p], { env, timeout: 120_000 }), 0);
    const check = parseJson<{ checks: { name: string; verdict: string; reason: string }[] }>(
      expectExit(await runLab(['check', '03', '--project', p, '--failover', '--json'], { env, timeout: 180_000 }), 0),
    );
    expect(check.checks.map((c) => c.verdict)).not.toContain('FAIL');
    expect(check.checks.find((c) => c.name.includes('failover'))?.reason).toMatch(/ 0 of \d+ requests failed/);
    expectExit(await runLab(['down', '03', '--project', p], { env, timeout: 60_000 }), 0);
    expect(await onPodman(p)).toEqual([]);
  }, 420_000);

  it.each(['03', '02'])(
    'lab test %s passes on Podman',
    async (id) => {
      const r = await runLab(['test', id, '--json'], { env, timeout: 600_000 });
      onTestFinished(async () => {
        const left = (
          await docker(['ps', '-aq', '--filter', 'label=lab.project', '--filter', `name=labtest-`], { env: podmanEnv })
        ).stdout
          .split('\n')
          .filter(Boolean);
        if (left.length) await docker(['rm', '-f', ...left], { env: podmanEnv });
      }, 60_000);
      expectExit(r, 0);
    },
    620_000,
  );
});
