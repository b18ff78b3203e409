/**
 * An sshd on 127.0.0.1 for the ssh:// e2e test: a throwaway host key, one authorized test key,
 * and an ssh-agent holding that key. Two clients use it, each its own way:
 * - dockerode (docker-modem's ssh transport, ssh2) authenticates with the agent only
 *   (SSH_AUTH_SOCK; ~/.ssh/config is not read, apocas/dockerode#581);
 * - the docker CLI, which compose calls run through, execs the `ssh` program: a wrapper
 *   first on PATH gives it a config with the test key and known_hosts, so the user's own
 *   ~/.ssh is neither read nor written.
 * Both then run `docker system dial-stdio` on the "remote" side, which reaches the main engine.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import { execa } from 'execa';
import { freePort, sleep } from './helpers.ts';

export interface Sshd {
  /** ssh://root@127.0.0.1:<port> */
  host: string;
  /** Environment for lab: the agent and the ssh wrapper. */
  env: Record<string, string>;
  stop(): Promise<void>;
  /** SSH logins so far (sshd's log): each is a new connection and a remote dial-stdio. */
  logins(): number;
}

const SSHD = '/usr/sbin/sshd';
const CI = Boolean(process.env.CI) && !/^(0|false)$/i.test(process.env.CI ?? '');

/** Why the ssh test cannot run here ('' when it can). Under CI this is a failure, never a skip. */
export function sshdUnavailable(): string {
  let reason = '';
  if (!existsSync(SSHD)) reason = `${SSHD} is missing (apt-get install -y openssh-server)`;
  else if (process.getuid?.() !== 0) reason = 'the test logs in as root to reach the engine socket';
  else if (spawnSync('sh', ['-c', 'command -v ssh-agent && command -v ssh-add && command -v ssh-keygen']).status !== 0)
    reason = 'openssh-client is missing';
  if (reason && CI) throw new Error(`The ssh:// e2e test needs sshd in CI: ${reason}`);
  return reason;
}

const pidOf = (file: string) => (existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined);
const kill = (pid: number | undefined) => {
  if (!pid) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
};

export async function startSshd(): Promise<Sshd> {
  const dir = `/tmp/lab-e2e-sshd-${process.pid}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(`${dir}/bin`, { recursive: true });
  // sshd refuses to start without its privilege-separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const keygen = (file: string) => execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'lab-e2e', '-f', file]);
  await Promise.all([keygen(`${dir}/hostkey`), keygen(`${dir}/id`)]);
  writeFileSync(`${dir}/authorized_keys`, readFileSync(`${dir}/id.pub`));
  const port = await freePort();
  const stop = async () => {
    kill(pidOf(`${dir}/sshd.pid`));
    kill(pidOf(`${dir}/agent.pid`));
    await sleep(100);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // -E: log to a file; sshd daemonizes and writes its pid file once it listens.
    await execa(SSHD, [
      '-p',
      String(port),
      '-o',
      'ListenAddress=127.0.0.1',
      '-h',
      `${dir}/hostkey`,
      '-E',
      `${dir}/sshd.log`,
      '-o',
      `PidFile=${dir}/sshd.pid`,
      '-o',
      `AuthorizedKeysFile=${dir}/authorized_keys`,
      // The key file sits under /tmp (world-writable), which StrictModes would refuse.
      '-o',
      'StrictModes=no',
      '-o',
      'PasswordAuthentication=no',
      '-o',
      'KbdInteractiveAuthentication=no',
      '-o',
      'UsePAM=no',
      '-o',
      'PermitRootLogin=prohibit-password',
    ]);
    const hostKey = readFileSync(`${dir}/hostkey.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(`${dir}/known_hosts`, `[127.0.0.1]:${port} ${hostKey}\n`);
    writeFileSync(
      `${dir}/ssh_config`,
      `Host *\n  UserKnownHostsFile ${dir}/known_hosts\n  StrictHostKeyChecking yes\n  IdentityFile ${dir}/id\n  IdentitiesOnly yes\n  BatchMode yes\n`,
    );
    writeFileSync(`${dir}/bin/ssh`, `#!/bin/sh\nexec /usr/bin/ssh -F ${dir}/ssh_config "$@"\n`);
    chmodSync(`${dir}/bin/ssh`, 0o755);
    const agent = await execa('ssh-agent', ['-s', '-a', `${dir}/agent.sock`]);
    writeFileSync(`${dir}/agent.pid`, /SSH_AGENT_PID=(\d+)/.exec(String(agent.stdout))?.[1] ?? '');
    await execa('ssh-add', ['-q', `${dir}/id`], { env: { SSH_AUTH_SOCK: `${dir}/agent.sock` } });
    const env = { SSH_AUTH_SOCK: `${dir}/agent.sock`, PATH: `${dir}/bin${delimiter}${process.env.PATH ?? ''}` };
    const host = `ssh://root@127.0.0.1:${port}`;
    // The server is up when the CLI, through the wrapper, reaches the engine behind it.
    for (let i = 0; i < 50; i++) {
      const r = await execa('docker', ['-H', host, 'version', '--format', '{{.Server.Version}}'], {
        env,
        reject: false,
        timeout: 10_000,
      });
      const logins = () => (readFileSync(`${dir}/sshd.log`, 'utf8').match(/Accepted publickey/g) ?? []).length;
      if (r.exitCode === 0) return { host, env, stop, logins };
      if (i === 49)
        throw new Error(
          `docker over ssh failed: ${String(r.stderr)}\n${existsSync(`${dir}/sshd.log`) ? readFileSync(`${dir}/sshd.log`, 'utf8') : ''}`,
        );
      await sleep(200);
    }
    throw new Error('unreachable');
  } catch (e) {
    await stop();
    throw e;
  }
}
