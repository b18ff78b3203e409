/**
 * The swarm e2e test's side of tests/swarm/harness.sh: bring a 3-node swarm up (zones a/b/c),
 * load images into its nodes, and tear it down, also when the test fails or the process exits.
 * Why it can be skipped: it needs root (network namespaces, a dockerd per node), `ip`,
 * `nsenter`/`unshare` (util-linux) and `dockerd` on this machine; CI has all of them
 * (.ci/provision-engine.sh). Outside CI a missing piece skips the file with the reason.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const SCRIPT = fileURLToPath(new URL('./harness.sh', import.meta.url));
/** The node addresses tests may send traffic to: inside namespaces the harness made. */
export const NODE_ADDRS = ['10.231.0.11', '10.231.0.12', '10.231.0.13'];

export function harnessMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'the swarm harness needs root (network namespaces and a dockerd per node)';
  for (const tool of ['ip', 'nsenter', 'unshare', 'dockerd']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `the swarm harness needs ${tool} (run .ci/provision-engine.sh)`;
  }
  if (spawnSync('ip', ['netns', 'list']).status !== 0)
    return 'this kernel or container does not allow network namespaces (ip netns list failed)';
  return undefined;
}

/** A shell command lab runs as --crash-command or --revive-command: the harness kills or restarts node `n`. */
export const harnessCommand = (step: 'crash' | 'revive', n: number): string => `bash '${SCRIPT}' ${step} ${n}`;

let up = false;
/** Teardown that runs even when vitest is killed mid-file: only the harness's own PIDs and namespaces. */
const downSync = () => {
  if (up) spawnSync('bash', [SCRIPT, 'down'], { stdio: 'inherit', timeout: 60_000 });
  up = false;
};
process.once('exit', downSync);

async function run(args: string[], timeout: number): Promise<{ ms: number; stdout: string }> {
  const t0 = performance.now();
  const r = await execa('bash', [SCRIPT, ...args], { reject: false, timeout, stderr: 'inherit' });
  if (r.failed)
    throw new Error(`harness.sh ${args.join(' ')} failed (exit ${r.exitCode}${r.timedOut ? ', timed out' : ''})`);
  return { ms: performance.now() - t0, stdout: String(r.stdout).trim() };
}

/** Every node's engine for `lab up --node-host`: node nI (its hostname) listens on /run/labsw-nI.sock. */
export const NODE_HOSTS = 'unix:///run/labsw-{hostname}.sock';

/** Bring the swarm up and load the images (into the manager only with `managerOnly`); returns the manager's DOCKER_HOST and the times taken. */
export async function swarmUp(
  images: string[],
  managerOnly = false,
): Promise<{ host: string; upMs: number; imagesMs: number }> {
  up = true; // harness.sh tears down itself when `up` fails; a later failure is ours to undo
  const { ms: upMs, stdout } = await run(['up'], 120_000);
  const { ms: imagesMs } = await run(['images', ...(managerOnly ? ['--manager'] : []), ...images], 180_000);
  return { host: stdout.split('\n').pop()!, upMs, imagesMs };
}

export async function swarmDown(): Promise<number> {
  if (!up) return 0;
  const { ms } = await run(['down'], 60_000);
  up = false;
  return ms;
}
