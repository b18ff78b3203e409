/**
 * Extra Docker engines for the instructor e2e tests: a second (third…) dockerd on this machine,
 * each with its own socket, data root, exec root (so its own containerd) and address pool.
 *
 * What works here (Debian 12, Docker 20.10, cgroup v1, tried by hand first):
 * - `--bridge <its own interface>`: NOT `--bridge none`, which makes dockerd delete the host's
 *   docker0 at start-up (it removes the default bridge when bridging is disabled), breaking
 *   the main engine's default network for everyone on the machine. Each extra engine gets a
 *   bridge of its own, created before it starts and deleted after it stops.
 * - `--iptables=false --ip-masq=false`: two daemons rewriting the same DOCKER chains would
 *   fight; published ports still work through docker-proxy on 127.0.0.1.
 * - but br_netfilter is loaded (net.bridge.bridge-nf-call-iptables=1) and the main engine sets
 *   FORWARD's policy to DROP, so container-to-container traffic on the extra engine's bridges
 *   (HAProxy → app) is dropped. One rule accepting traffic inside the extra engine's own pool
 *   fixes it; it is inserted at start and deleted at stop.
 * - `--default-address-pool` on a /16 no route uses yet, so its networks overlap nothing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { execa } from 'execa';
import { docker, LOCAL_HAPROXY, LOCAL_NODE, sleep } from './helpers.ts';

export interface ExtraEngine {
  /** unix:///tmp/lab-e2e-dockerd-<pid>-<n>/d.sock */
  host: string;
  dir: string;
  pool: string;
  /** Stop the daemon (its containers go with it), remove its rule and its directories. Idempotent. */
  stop(): Promise<void>;
}

const CI = Boolean(process.env.CI) && !/^(0|false)$/i.test(process.env.CI ?? '');

/** Why extra engines cannot run here ('' when they can). Under CI this is a failure, never a skip. */
export function extraEnginesUnavailable(): string {
  let reason = '';
  if (process.getuid?.() !== 0) reason = 'starting a dockerd needs root';
  else if (spawnSync('sh', ['-c', 'command -v dockerd']).status !== 0) reason = 'dockerd is not installed';
  if (reason && CI) throw new Error(`Instructor e2e tests need extra Docker engines in CI: ${reason}`);
  return reason;
}

let counter = 0;

/**
 * The swarm harness (tests/swarm/harness.sh) owns 10.231–10.234 from the start of its file, and
 * an extra engine only makes its routes when it makes its first network: a route check alone
 * let one CI run hand 10.231.0.0/16 to an extra engine while the swarm's nodes sat on
 * 10.231.0.0/24, so the nodes became unreachable. The two ranges are disjoint instead.
 */
const SWARM_HARNESS_OCTETS = new Set([231, 232, 233, 234]);

/** A /16 in 10.200.0.0–10.249.0.0, outside the swarm harness's, that no route uses yet. */
function freePool(): string {
  const routes = spawnSync('ip', ['-4', 'route'], { encoding: 'utf8' }).stdout ?? '';
  const taken = new Set([...routes.matchAll(/^10\.(\d+)\./gm)].map((m) => Number(m[1])));
  const start = 200 + ((process.pid + counter * 7) % 50);
  for (let i = 0; i < 50; i++) {
    const b = 200 + ((start - 200 + i) % 50);
    if (!taken.has(b) && !SWARM_HARNESS_OCTETS.has(b)) return `10.${b}.0.0/16`;
  }
  throw new Error('no free 10.2xx.0.0/16 for an extra engine');
}

const forwardRule = (pool: string, tag: string) => [
  'FORWARD',
  '-s',
  pool,
  '-d',
  pool,
  '-m',
  'comment',
  '--comment',
  tag,
  '-j',
  'ACCEPT',
];

export async function startExtraEngine(): Promise<ExtraEngine> {
  const n = ++counter;
  const dir = `/tmp/lab-e2e-dockerd-${process.pid}-${n}`;
  const host = `unix://${dir}/d.sock`;
  const pool = freePool();
  const tag = `lab-e2e-${process.pid}-${n}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Interface names have at most 15 characters.
  const bridge = `labe2e${process.pid % 100_000}${n}`.slice(0, 15);
  const hadDocker0 = linkExists('docker0');
  await createBridge(bridge, pool);
  const log = openSync(`${dir}/dockerd.log`, 'a');
  const child: ChildProcess = spawn(
    'dockerd',
    [
      '--host',
      host,
      '--data-root',
      `${dir}/root`,
      '--exec-root',
      `${dir}/exec`,
      '--pidfile',
      `${dir}/pid`,
      '--bridge',
      bridge,
      '--iptables=false',
      '--ip-masq=false',
      '--default-address-pool',
      `base=${pool},size=24`,
      '--shutdown-timeout',
      '2',
    ],
    { stdio: ['ignore', log, log] },
  );
  closeSync(log);
  // Backstop if the test process dies without its afterAll: the daemon still shuts down cleanly.
  const onExit = () => child.exitCode === null && child.kill('SIGTERM');
  process.once('exit', onExit);
  const rule = await execa('iptables', ['-I', ...forwardRule(pool, tag)], { reject: false });
  let stopped = false;
  const engine: ExtraEngine = {
    host,
    dir,
    pool,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', onExit);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(20_000)]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (rule.exitCode === 0) await execa('iptables', ['-D', ...forwardRule(pool, tag)], { reject: false });
      // A daemon killed hard can leave its overlay mounts behind; unmount before removing.
      const mounts = readFileSync('/proc/mounts', 'utf8')
        .split('\n')
        .map((l) => l.split(' ')[1] ?? '')
        .filter((m) => m.startsWith(`${dir}/`));
      for (const m of mounts.reverse()) await execa('umount', ['-l', m], { reject: false });
      rmSync(dir, { recursive: true, force: true });
      await execa('ip', ['link', 'del', bridge], { reject: false });
      // A stopped dockerd keeps its networks' bridges (br-<id>) on the host, with their routes.
      for (const link of bridgesIn(pool)) await execa('ip', ['link', 'del', link], { reject: false });
    },
  };
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) break;
    if (
      existsSync(`${dir}/d.sock`) &&
      (await docker(['-H', host, 'version', '--format', '{{.Server.Version}}'], { timeout: 5000 })).exitCode === 0
    ) {
      // The main engine's default network must survive an extra engine (see the top comment).
      if (hadDocker0 && !linkExists('docker0')) throw new Error("starting an extra dockerd deleted the host's docker0");
      return engine;
    }
    await sleep(200);
  }
  const tail = existsSync(`${dir}/dockerd.log`)
    ? readFileSync(`${dir}/dockerd.log`, 'utf8').split('\n').slice(-15).join('\n')
    : '';
  await engine.stop();
  throw new Error(`extra dockerd at ${host} did not start:\n${tail}`);
}

/** The br-<id> bridges whose address lies in an extra engine's /16 pool. */
function bridgesIn(pool: string): string[] {
  const prefix = pool.split('.').slice(0, 2).join('.') + '.';
  const out = spawnSync('ip', ['-o', '-4', 'addr', 'show'], { encoding: 'utf8' }).stdout ?? '';
  return out
    .split('\n')
    .map((l) => l.split(/\s+/))
    .filter((f) => f[1]?.startsWith('br-') && f[3]?.startsWith(prefix))
    .map((f) => f[1] as string);
}

const linkExists = (name: string): boolean => spawnSync('ip', ['link', 'show', name], { stdio: 'ignore' }).status === 0;

/** A bridge for an engine's default network, on the last /24 of its pool (networks use the first ones). */
async function createBridge(name: string, pool: string): Promise<void> {
  const address = pool.replace(/\.0\.0\/16$/, '.255.1/24');
  await execa('ip', ['link', 'del', name], { reject: false });
  await execa('ip', ['link', 'add', 'name', name, 'type', 'bridge']);
  await execa('ip', ['addr', 'add', address, 'dev', name]);
  await execa('ip', ['link', 'set', name, 'up']);
}

/** Copy the local base images into an engine (`docker save | docker load`), as a registry would. */
export async function seedImages(engine: ExtraEngine, refs = [LOCAL_NODE, LOCAL_HAPROXY]): Promise<void> {
  const r = await execa('docker', ['save', ...refs], { stdin: 'ignore', buffer: { stdout: false } }).pipe(
    'docker',
    ['-H', engine.host, 'load', '-q'],
    { reject: false },
  );
  if (r.exitCode !== 0) throw new Error(`loading ${refs.join(' ')} into ${engine.host} failed: ${String(r.stderr)}`);
}

/** `docker -H <engine> …` */
export const dockerOn = (engine: ExtraEngine, args: string[]) => docker(['-H', engine.host, ...args]);
