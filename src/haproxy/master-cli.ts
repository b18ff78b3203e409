import type Dockerode from 'dockerode';
import { RuntimeError } from '../core/errors.ts';
import { MASTER_CLI_PORT } from '../core/render-lab-cfg.ts';
import { demux } from '../docker/engine.ts';

/**
 * HAProxy's master CLI (student mode): it listens on the container's loopback only
 * (127.0.0.1:MASTER_CLI_PORT, HAProxy's -S option), so lab talks to it from inside the
 * container with docker exec. The images lab runs (the official haproxy:3.0, Debian-based,
 * and lab's local one) have bash but neither socat nor nc: bash's /dev/tcp is the client
 * (https://www.gnu.org/software/bash/manual/html_node/Redirections.html). The master closes
 * the connection after answering one command, so `cat` ends; `timeout` bounds a stuck one.
 * https://docs.haproxy.org/3.0/management.html#9.4 (Master CLI)
 */
async function masterCli(docker: Dockerode, containerId: string, command: string, timeoutS = 10): Promise<string> {
  if (!/^[a-z -]+$/.test(command)) throw new Error(`not a master CLI command lab sends: ${command}`);
  const { exitCode, text } = await loopbackCommand(docker, containerId, MASTER_CLI_PORT, command, timeoutS);
  if (exitCode !== 0)
    throw new RuntimeError(
      `HAProxy's master CLI did not answer "${command}" (exit ${exitCode}): ${text.trim().split('\n').slice(-2).join(' / ') || 'no output'}`,
      { hint: 'Run lab up <lab> again to recreate HAProxy' },
    );
  return text;
}

/**
 * Send one line to a TCP port on the HAProxy container's loopback and read the answer until
 * HAProxy closes the connection (master CLI, runtime API in non-interactive mode). The caller
 * checks `command` (it is quoted into a shell script).
 */
export async function loopbackCommand(
  docker: Dockerode,
  containerId: string,
  port: number,
  command: string,
  timeoutS: number,
  then = '',
): Promise<{ exitCode: number | null; text: string }> {
  // `then`: a fixed shell tail of the caller's (e.g. `> file`), never built from input.
  const script = `exec 3<>/dev/tcp/127.0.0.1/${port} && printf '%s\\n' '${command}' >&3 && cat <&3${then}`;
  return execIn(docker, containerId, ['timeout', String(timeoutS), 'bash', '-c', script]);
}

/** Run a command in a container (docker exec) and wait for it: its exit code and output. */
export async function execIn(
  docker: Dockerode,
  containerId: string,
  cmd: string[],
): Promise<{ exitCode: number | null; text: string }> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const { ExitCode } = await exec.inspect();
  return { exitCode: ExitCode, text: demux(Buffer.concat(chunks)) };
}

export interface ReloadAnswer {
  success: boolean;
  /** The startup log HAProxy 3.0 prints after `--`: "Loading success.", or its alerts. */
  log: string[];
}

/** HAProxy 3.0 answers `reload` with `Success=1` or `Success=0`, a `--` line, then the startup log. Pure. */
export function parseReloadAnswer(text: string): ReloadAnswer {
  const lines = text.split('\n').map((l) => l.trimEnd());
  const first = lines.findIndex((l) => /^Success=[01]$/.test(l));
  if (first < 0) return { success: false, log: lines.filter(Boolean) };
  const rest = lines.slice(first + 1);
  return { success: lines[first] === 'Success=1', log: (rest[0] === '--' ? rest.slice(1) : rest).filter(Boolean) };
}

/** Reload HAProxy through its master CLI: the new workers run both files, or the old ones keep serving. */
export const reloadHaproxy = async (docker: Dockerode, containerId: string): Promise<ReloadAnswer> =>
  parseReloadAnswer(await masterCli(docker, containerId, 'reload'));

/**
 * Whether a TCP connection from the HAProxy container to ip:port is accepted: what HAProxy's
 * own next connection to that server would meet. lab rollout asks it of a new replica, because
 * Docker may give the new container the address of the one it replaced, and HAProxy's server at
 * that address then still shows the old container's passed checks (UP, L7OK) before the new app
 * listens. https://www.gnu.org/software/bash/manual/html_node/Redirections.html (/dev/tcp)
 */
export async function acceptsFromHaproxy(
  docker: Dockerode,
  haproxyId: string,
  ip: string,
  port: number,
): Promise<boolean> {
  if (!/^[0-9a-fA-F.:]+$/.test(ip) || !Number.isInteger(port))
    throw new Error(`not an address lab probes: ${ip}:${port}`);
  return (
    (await execIn(docker, haproxyId, ['timeout', '1', 'bash', '-c', `exec 3<>/dev/tcp/${ip}/${port}`])).exitCode === 0
  );
}
