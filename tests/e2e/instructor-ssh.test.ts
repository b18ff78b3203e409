/**
 * --host ssh://: Docker's own remote access, no agent of lab's. An sshd on 127.0.0.1 logs the
 * test in as root, where `docker system dial-stdio` reaches the main engine. lab up through it
 * takes the remote path: haproxy.cfg travels inside the compose file (no bind mount).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, sshdUnavailable, type Sshd } from './fleet-sshd.ts';
import {
  AUTO_PORTS,
  cleanupLab,
  docker,
  engineHost,
  expectExit,
  get,
  parseJson,
  requireDocker,
  runLab,
  skipNote,
  uniqueProject,
} from './helpers.ts';

const state = requireDocker();
const noSshd = state.ok ? sshdUnavailable() : '';
const ok = state.ok && !noSshd;
const note = skipNote(state) || (noSshd ? ` (skipped: ${noSshd})` : '');

describe.skipIf(!ok).sequential(`lab --host ssh://${note}`, () => {
  let sshd: Sshd;
  const lab = (args: string[], timeout = 120_000) => runLab(['--host', sshd.host, ...args], { env: sshd.env, timeout });

  beforeAll(async () => {
    sshd = await startSshd();
  }, 60_000);
  afterAll(async () => sshd?.stop());

  it('doctor reaches the engine over ssh', async () => {
    const r = parseJson<{ outcome: string; host: string; checks: { name: string; status: string; detail: string }[] }>(
      expectExit(await lab(['doctor', '--json']), 0),
    );
    expect(r.host).toBe(sshd.host);
    expect(r.checks[0]).toMatchObject({
      name: 'engine',
      status: 'ok',
      detail: expect.stringContaining(`at ${sshd.host}`),
    });
    expect(r.checks.find((c) => c.name === 'disk')?.status).toBe('skip');
  }, 60_000);

  it('up, status and down over ssh, with haproxy.cfg inline instead of a bind mount', async () => {
    const project = uniqueProject();
    cleanupLab('03', project, { env: sshd.env });
    const up = parseJson<{ urls: { app: string } }>(
      expectExit(await lab(['up', '03', '--pull', 'never', '--project', project, ...AUTO_PORTS, '--json']), 0),
    );
    expect((await get(up.urls.app)).status).toBe(200);
    const mounts = await docker(['inspect', '--format', '{{len .Mounts}}', `${project}-haproxy-1`]);
    expect(mounts.stdout).toBe('0');
    const status = parseJson<{ servers: { status: string }[] }>(
      expectExit(await lab(['status', '03', '--project', project, '--json']), 0),
    );
    expect(status.servers.filter((s) => s.status.startsWith('UP'))).toHaveLength(3);
    // Past the 10 server slots the config changes; a remote HAProxy has it copied in, not
    // mounted, so scale must recreate HAProxy with the new config instead of reloading.
    const scaled = parseJson<{ reloaded: boolean; to: number }>(
      expectExit(await lab(['scale', '03', '12', '--project', project, '--json']), 0),
    );
    expect(scaled).toMatchObject({ reloaded: true, to: 12 });
    const after = parseJson<{ servers: { status: string }[]; emptySlots: number }>(
      expectExit(await lab(['status', '03', '--project', project, '--json']), 0),
    );
    expect(after.servers.filter((s) => s.status.startsWith('UP'))).toHaveLength(12);
    expect(after.emptySlots).toBe(8);
    // lab's own API calls share one SSH connection (src/docker/ssh-agent.ts); docker-modem's
    // transport opened one per call: 33 logins for this down.
    const before = sshd.logins();
    expectExit(await lab(['down', '03', '--project', project]), 0);
    expect(sshd.logins() - before).toBeLessThanOrEqual(2);
  }, 240_000);

  it('--hosts mixing ssh:// and unix:// engines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-e2e-ssh-hosts-'));
    try {
      writeFileSync(join(dir, 'hosts'), `local ${engineHost()}\nvia-ssh ${sshd.host}\n`);
      const j = parseJson<{ exitCode: number; hosts: { name: string; exitCode: number; summary: string }[] }>(
        expectExit(
          await runLab(['--hosts', join(dir, 'hosts'), 'doctor', '--json'], { env: sshd.env, timeout: 90_000 }),
          0,
        ),
      );
      expect(j.hosts.map((h) => [h.name, h.exitCode])).toEqual([
        ['local', 0],
        ['via-ssh', 0],
      ]);
      expect(j.hosts[1]!.summary).toMatch(new RegExp(`^ready on ${sshd.host}`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
