import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../src/core/errors.ts';
import { engineKey, lockFile, readOwner, withProjectLock, withProjectLocks } from '../../src/engine/lock.ts';
import { tmpDir } from '../helpers/tmp.ts';

const ENGINE = { host: 'unix:///var/run/docker.sock' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A pid that surely ran and is gone now. */
const deadPid = (): number =>
  Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

/** Start `n` commands on one project at once; count how many ran their work, and how many ran it at the same time. */
async function race(home: string, n: number) {
  let inside = 0;
  let most = 0;
  let ran = 0;
  const results = await Promise.allSettled(
    Array.from({ length: n }, (_, i) =>
      withProjectLock({ env: { LAB_HOME: home } }, ENGINE, 'p', `up 03 #${i}`, async () => {
        ran++;
        most = Math.max(most, ++inside);
        await sleep(100);
        inside--;
      }),
    ),
  );
  const refused = results
    .filter((r) => r.status === 'rejected')
    .map((r) => (r as PromiseRejectedResult).reason as Error);
  return { ran, most, refused };
}

describe('the project lock', () => {
  it('ten commands at once: exactly one works, nine are refused naming the owner', async () => {
    const home = await tmpDir('lab-lock-');
    const { ran, most, refused } = await race(home, 10);
    expect(ran).toBe(1);
    expect(most).toBe(1);
    expect(refused).toHaveLength(9);
    for (const e of refused) {
      expect(e).toBeInstanceOf(EnvironmentError);
      expect(e.message).toMatch(
        new RegExp(`Another lab command is working on p: "lab up 03 #\\d" \\(pid ${process.pid}, since `),
      );
    }
    expect(readdirSync(join(home, 'locks')), 'lock or temporary files left behind').toEqual([]);
  });

  it.each([
    ['a dead owner', () => JSON.stringify({ pid: deadPid(), command: 'up 03', since: '2026-01-01T00:00:00Z' })],
    ['an empty file (a crash between create and write)', () => ''],
    ['garbage', () => '{"pid":'],
  ])('a stale lock (%s) is taken over by exactly one of ten commands', async (_, content) => {
    const home = await tmpDir('lab-lock-');
    const file = lockFile({ env: { LAB_HOME: home } }, ENGINE, 'p');
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, content());
    const { ran, most, refused } = await race(home, 10);
    expect(ran).toBe(1);
    expect(most).toBe(1);
    expect(refused).toHaveLength(9);
    for (const e of refused) expect(e.message).toContain(`(pid ${process.pid}`);
    expect(readdirSync(join(home, 'locks'))).toEqual([]);
  });

  it('a live owner keeps its lock; the refusal names its command, pid and engine', async () => {
    const home = await tmpDir('lab-lock-');
    const ctx = { env: { LAB_HOME: home } };
    const file = lockFile(ctx, ENGINE, 'p');
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({
        pid: process.ppid,
        command: 'check 03 --failover',
        since: '2026-01-01T00:00:00Z',
        engine: ENGINE.host,
      }),
    );
    const e = await withProjectLock(ctx, ENGINE, 'p', 'down 03', async () => 'ran').catch((x: Error) => x);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect((e as Error).message).toBe(
      `Another lab command is working on p: "lab check 03 --failover" (pid ${process.ppid}, since 2026-01-01T00:00:00Z, engine ${ENGINE.host})`,
    );
    expect((await readOwner(file))?.command).toBe('check 03 --failover');
  });

  it('is released after the work, also when it fails', async () => {
    const home = await tmpDir('lab-lock-');
    const ctx = { env: { LAB_HOME: home } };
    await expect(
      withProjectLock(ctx, ENGINE, 'p', 'up 03', async () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    expect(await withProjectLock(ctx, ENGINE, 'p', 'up 03', async () => 'again')).toBe('again');
    expect(readdirSync(join(home, 'locks'))).toEqual([]);
  });

  it('is one per engine and project: another engine or project is not blocked, the same engine named another way is', async () => {
    const home = await tmpDir('lab-lock-');
    const ctx = { env: { LAB_HOME: home } };
    const sock = join(home, 'docker.sock');
    writeFileSync(sock, '');
    symlinkSync(home, join(home, 'run'));
    const viaLink = { host: `unix://${join(home, 'run', 'docker.sock')}` };
    const order: string[] = [];
    await withProjectLock(ctx, { host: `unix://${sock}` }, 'p', 'up 03', async () => {
      await withProjectLock(
        ctx,
        { host: 'tcp://10.0.0.9:2375' },
        'p',
        'up 03',
        async () => void order.push('other engine'),
      );
      await withProjectLock(
        ctx,
        { host: `unix://${sock}` },
        'q',
        'up 03',
        async () => void order.push('other project'),
      );
      await expect(
        withProjectLock(ctx, viaLink, 'p', 'up 03', async () => void order.push('same engine')),
      ).rejects.toThrow(/Another lab command is working on p/);
    });
    expect(order).toEqual(['other engine', 'other project']);
  });

  it('a fleet host shares the main LAB_HOME locks (lockHome), not its own', () => {
    const main = lockFile({ env: { LAB_HOME: '/h' } }, ENGINE, 'p');
    const host = lockFile({ env: { LAB_HOME: '/h/hosts/pc01' }, lockHome: '/h' }, ENGINE, 'p');
    expect(host).toBe(main);
    expect(main.startsWith('/h/locks/p@')).toBe(true);
  });

  it('several projects (reset): all or none', async () => {
    const home = await tmpDir('lab-lock-');
    const ctx = { env: { LAB_HOME: home } };
    await withProjectLock(ctx, ENGINE, 'b', 'up 03', async () => {
      await expect(withProjectLocks(ctx, ENGINE, ['a', 'b', 'c'], 'reset', async () => 'ran')).rejects.toThrow(
        /working on b/,
      );
      expect(readdirSync(join(home, 'locks')).filter((f) => !f.startsWith('b@'))).toEqual([]);
    });
    expect(await withProjectLocks(ctx, ENGINE, ['a', 'b', 'a'], 'reset', async () => 'ran')).toBe('ran');
  });

  it.each([
    ['tcp://LabHost:2375', 'tcp://labhost'],
    ['ssh://student@pc01', 'ssh://student@pc01:22'],
  ])('engine key: %s and %s are one engine', (a, b) => {
    expect(engineKey(a)).toBe(engineKey(b));
  });

  it('engine key: different engines differ', () => {
    expect(engineKey('tcp://pc01:2375')).not.toBe(engineKey('tcp://pc02:2375'));
    expect(engineKey('ssh://a@pc01')).not.toBe(engineKey('ssh://b@pc01'));
  });
});

describe('the project lock across processes', () => {
  const RACER_TS = fileURLToPath(new URL('../fixtures/lock/racer.ts', import.meta.url));
  // The racer and the real lock code, bundled once into plain JavaScript: twenty processes
  // started with `--import tsx` spent some 20 s of CPU loading tsx on a 2-core machine.
  const bundleDir = mkdtempSync(join(tmpdir(), 'lab-lock-racer-'));
  const RACER = join(bundleDir, 'racer.mjs');
  beforeAll(
    () =>
      void buildSync({
        entryPoints: [RACER_TS],
        outfile: RACER,
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        logLevel: 'warning',
      }),
  );
  afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

  /** Ten processes that all try at the same instant (once every one has started); each reports RAN or REFUSED. */
  async function raceProcesses(home: string): Promise<{ code: number | null; out: string }[]> {
    const children = Array.from({ length: 10 }, (_, i) =>
      spawn(process.execPath, [RACER, home, `#${i}`], { stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    const runs = children.map(
      (child) =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          let out = '';
          child.stdout.on('data', (c: Buffer) => (out += c.toString()));
          child.on('close', (code) => resolve({ code, out: out.replace(/^READY\n/, '') }));
        }),
    );
    await Promise.all(children.map((c) => new Promise((r) => c.stdout.once('data', r))));
    for (const c of children) c.stdin.write('go\n');
    return Promise.all(runs);
  }

  it.each([
    ['a free lock', undefined],
    [
      'a stale lock of a dead owner',
      () => JSON.stringify({ pid: deadPid(), command: 'up 03', since: '2026-01-01T00:00:00Z' }),
    ],
  ])(
    'ten processes at once on %s: exactly one proceeds, nine are refused naming it',
    async (_, stale) => {
      const home = await tmpDir('lab-lock-');
      if (stale) {
        const file = lockFile({ env: { LAB_HOME: home } }, ENGINE, 'p');
        mkdirSync(join(file, '..'), { recursive: true });
        writeFileSync(file, stale());
      }
      const runs = await raceProcesses(home);
      const ran = runs.filter((r) => r.out.startsWith('RAN'));
      const refused = runs.filter((r) => r.out.startsWith('REFUSED'));
      expect(ran, JSON.stringify(runs, null, 1)).toHaveLength(1);
      expect(refused, JSON.stringify(runs, null, 1)).toHaveLength(9);
      for (const r of refused) {
        expect(r.code).toBe(3);
        expect(r.out).toMatch(/REFUSED Another lab command is working on p: "lab up #\d" \(pid \d+, since /);
      }
      expect(readdirSync(join(home, 'locks'))).toEqual([]);
    },
    60_000,
  );
});
