import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reset } from '../../src/commands/reset.ts';
import type { Context } from '../../src/cli/context.ts';
import { EnvironmentError, LabError, UsageError } from '../../src/core/errors.ts';
import { runOnHosts } from '../../src/cli/fleet.ts';
import { mapBounded } from '../../src/core/pool.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { fakeContext } from '../helpers/fake-context.ts';

async function hostsFile(lines: string[]): Promise<string> {
  const file = join(await tmpDir('lab-fleet-'), 'hosts');
  await writeFile(file, lines.join('\n'));
  return file;
}

describe('runOnHosts', () => {
  it('runs on every host with its own --host and buffered output, then prints one table', async () => {
    const file = await hostsFile(['# room', 'pc01 unix:///run/a.sock', 'pc02 unix:///run/b.sock']);
    const { ctx, stdout } = fakeContext();
    const seen: string[] = [];
    const homes: string[] = [];
    await runOnHosts({ ...ctx, env: { LAB_HOME: '/state' } }, file, async (c) => {
      seen.push(c.host!);
      homes.push(c.env.LAB_HOME!);
      expect(c.out).not.toBe(ctx.out);
      c.out.result(`hello from ${c.host}`);
    });
    expect(seen.sort()).toEqual(['unix:///run/a.sock', 'unix:///run/b.sock']);
    // Own locks and workspaces per host: the same project on two hosts must not collide.
    expect(homes.sort()).toEqual(['/state/hosts/run_a.sock', '/state/hosts/run_b.sock']);
    const lines = stdout.text.trim().split('\n');
    expect(lines[0]).toMatch(/^HOST\s+ENGINE\s+RESULT\s+EXIT\s+TIME\s+SUMMARY$/);
    expect(lines[2]).toMatch(/^pc01\s+unix:\/\/\/run\/a.sock\s+ok\s+0\s+\d+\.\ds\s+hello from unix:\/\/\/run\/a.sock$/);
    expect(lines.at(-1)).toBe('All 2 hosts ok');
  });

  it('fails with the most severe exit code and names the failed hosts', async () => {
    const file = await hostsFile(['pc01 unix:///a', 'pc02 unix:///b', 'pc03 unix:///c']);
    const { ctx, stdout } = fakeContext();
    const run = async (c: Context) => {
      if (c.host === 'unix:///b')
        throw new EnvironmentError('Cannot reach the Docker engine at unix:///b', { hint: 'start dockerd' });
      if (c.host === 'unix:///c') throw new LabError('a check failed', 1);
      c.out.result('fine');
    };
    const e = await runOnHosts(ctx, file, run).then(
      () => undefined,
      (x: unknown) => x as LabError,
    );
    expect(e?.exitCode).toBe(3);
    expect(e?.message).toBe('2 of 3 hosts failed: pc02, pc03');
    expect(stdout.text).toMatch(/pc02\s+unix:\/\/\/b\s+failed\s+3 .*Cannot reach the Docker engine at unix:\/\/\/b/);
    expect(stdout.text).toContain('pc02: start dockerd');
  });

  it('--json: one object with every host, each host in JSON mode', async () => {
    const file = await hostsFile(['pc01 unix:///a', 'pc02 unix:///b']);
    const { ctx, stdout } = fakeContext(true);
    const run = async (c: Context) => {
      expect(c.out.json).toBe(true);
      if (c.host === 'unix:///b') throw new UsageError('bad');
      c.out.data({ outcome: 'success', summary: 'ok here' });
    };
    const e = await runOnHosts(ctx, file, run).catch((x: LabError) => x);
    expect(e?.reported).toBe(true);
    const json = JSON.parse(stdout.text) as {
      exitCode: number;
      hosts: { name: string; result: unknown; summary: string }[];
    };
    expect(json.exitCode).toBe(2);
    expect(json.hosts.map((h) => [h.name, h.summary])).toEqual([
      ['pc01', 'ok here'],
      ['pc02', 'bad'],
    ]);
    expect(json.hosts[0]?.result).toEqual({ outcome: 'success', summary: 'ok here' });
  });

  it('refuses --host together with --hosts, and a missing file, with exit 2', async () => {
    const { ctx } = fakeContext();
    await expect(runOnHosts({ ...ctx, host: 'unix:///x' }, '/nope', async () => {})).rejects.toThrow(
      /cannot be used together/,
    );
    await expect(runOnHosts(ctx, '/nonexistent/hosts', async () => {})).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/no such file/),
    });
  });

  it('runs at most `limit` at a time and keeps the input order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapBounded([5, 1, 4, 2, 3, 0, 6, 2, 1, 3], 3, async (ms, i) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return i;
    });
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(3);
  });
});

describe('lab reset without a terminal', () => {
  it('needs --yes: exit 2 before it even talks to an engine', async () => {
    const { ctx } = fakeContext();
    const e = await reset({ ...ctx, host: 'unix:///nonexistent.sock' }, { images: true }).catch((x: LabError) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect(e?.message).toMatch(/needs --yes/);
    expect(e?.hint).toBe('See what would go: lab reset --dry-run --images; then: lab reset --yes --images');
  });
});
