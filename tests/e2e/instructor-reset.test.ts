/**
 * lab reset on a real engine: it removes every lab object and none of the user's, even when
 * they look like a lab's. It runs against an extra engine of its own: reset --images removes
 * every lab container and the images the labs name (here lab-local/*), which on the shared
 * engine would pull the floor from under other tests and developers' running labs.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerOn, extraEnginesUnavailable, seedImages, startExtraEngine, type ExtraEngine } from './fleet-engines.ts';
import {
  AUTO_PORTS,
  BIN,
  describeRun,
  expectExit,
  labEnv,
  labHome,
  LOCAL_NODE,
  parseJson,
  requireDocker,
  runLab,
  skipNote,
  uniqueProject,
} from './helpers.ts';

const state = requireDocker();
const noEngines = state.ok ? extraEnginesUnavailable() : '';
const ok = state.ok && !noEngines;
const note = skipNote(state) || (noEngines ? ` (skipped: ${noEngines})` : '');

const USER = {
  container: 'lab-03-load-balancing-app-9',
  network: 'lab-03-load-balancing_default-user',
  volume: 'lab-03-load-balancing_data-user',
  image: 'user/keep:1',
};

interface ResetJson {
  outcome: string;
  dryRun: boolean;
  removed: { containers: string[]; networks: string[]; volumes: string[]; images: string[]; workspaces: string[] };
  kept: { ref: string; reason: string }[];
}

describe.skipIf(!ok).sequential(`lab reset${note}`, () => {
  let engine: ExtraEngine;
  const project = uniqueProject();
  const lab = (args: string[]) => runLab(['--host', engine.host, ...args], { timeout: 120_000 });
  const exists = async (kind: 'container' | 'network' | 'volume' | 'image', name: string) =>
    (await dockerOn(engine, [kind, 'inspect', name])).exitCode === 0;

  beforeAll(async () => {
    engine = await startExtraEngine();
    await seedImages(engine);
    // The user's own objects: lab-looking names, even a lab-looking label, but never lab.managed=true.
    for (const args of [
      ['run', '-d', '--name', USER.container, '--label', 'lab.id=03-load-balancing', LOCAL_NODE, 'sleep', '300'],
      ['network', 'create', USER.network],
      ['volume', 'create', USER.volume],
      ['tag', LOCAL_NODE, USER.image],
    ]) {
      const r = await dockerOn(engine, args);
      if (r.exitCode !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
    }
    expectExit(await lab(['up', '03', '--project', project, '--pull', 'never', ...AUTO_PORTS]), 0);
  }, 180_000);

  afterAll(async () => {
    // The user's objects are removed by the test itself (reset must have left them), then the engine.
    if (engine) {
      await dockerOn(engine, ['rm', '-f', USER.container]);
      await dockerOn(engine, ['network', 'rm', USER.network]);
      await dockerOn(engine, ['volume', 'rm', USER.volume]);
      await dockerOn(engine, ['rmi', USER.image]);
      await engine.stop();
    }
  }, 60_000);

  it('without a terminal and without --yes: exit 2, says to pass --yes, removes nothing', async () => {
    const r = expectExit(await lab(['reset', '--images']), 2);
    expect(r.stderr).toMatch(/--yes/);
    expect(
      (await dockerOn(engine, ['ps', '-q', '--filter', `label=lab.project=${project}`])).stdout.split('\n'),
    ).toHaveLength(4);
  });

  // script(1) (util-linux) runs lab on a pseudo-terminal, where reset asks instead of requiring --yes.
  it.skipIf(spawnSync('sh', ['-c', 'command -v script']).status !== 0)(
    'on a terminal it asks; anything but y removes nothing',
    async () => {
      const command = `${process.execPath} ${BIN} --host ${engine.host} reset --images`;
      const r = await execa('script', ['-qec', command, '/dev/null'], {
        env: labEnv(),
        extendEnv: false,
        input: 'n\n',
        reject: false,
        timeout: 60_000,
      });
      expect(r.stdout).toMatch(/This removes:[\s\S]*Containers \(4\)[\s\S]*Remove these \d+ object\(s\)\? \[y\/N\]/);
      expect(r.stdout).toMatch(/Nothing removed \(not confirmed\)/);
      expect(r.exitCode).toBe(2);
      expect(
        (await dockerOn(engine, ['ps', '-q', '--filter', `label=lab.project=${project}`])).stdout.split('\n'),
      ).toHaveLength(4);
    },
  );

  it('--dry-run lists what would go and removes nothing', async () => {
    const r = expectExit(await lab(['reset', '--images', '--dry-run', '--json']), 0);
    const j = parseJson<ResetJson>(r);
    expect(j.dryRun).toBe(true);
    expect(j.removed.containers.sort()).toEqual([
      `${project}-app-1`,
      `${project}-app-2`,
      `${project}-app-3`,
      `${project}-haproxy-1`,
    ]);
    expect(j.removed.networks).toEqual([`${project}_default`]);
    expect(j.removed.images).toEqual(expect.arrayContaining(['lab/whoami:1', 'lab-local/haproxy:3.0']));
    expect(j.removed.workspaces).toEqual([join(labHome(), 'workspaces', project)]);
    // The user's container runs on lab-local/node:20: that image stays.
    expect(j.kept).toEqual([
      { kind: 'image', ref: LOCAL_NODE, reason: `used by container ${USER.container}, which lab did not create` },
    ]);
    const text = expectExit(await lab(['reset', '--images', '--dry-run']), 0);
    expect(text.stdout).toMatch(/^Would remove \(dry run, nothing was deleted\):/);
    expect(text.stdout).toContain(`${project}-haproxy-1`);
    expect(
      (await dockerOn(engine, ['ps', '-q', '--filter', `label=lab.project=${project}`])).stdout.split('\n'),
    ).toHaveLength(4);
    expect(await exists('image', 'lab/whoami:1')).toBe(true);
  });

  it("--yes --images removes every lab object and none of the user's", async () => {
    // A directory with another program's lab.json, and one without any: neither is lab's.
    const notOurs = join(labHome(), 'workspaces', 'not-a-lab');
    mkdirSync(notOurs, { recursive: true });
    writeFileSync(join(notOurs, 'lab.json'), '{"name":"someone else"}');
    const t0 = performance.now();
    const r = expectExit(await lab(['reset', '--yes', '--images', '--json']), 0);
    const ms = performance.now() - t0;
    const j = parseJson<ResetJson>(r);
    expect(j.outcome, describeRun(r)).toBe('success');
    expect(j.removed.containers).toHaveLength(4);
    for (const kind of ['ps -a', 'network ls', 'volume ls', 'images']) {
      const out = await dockerOn(engine, [...kind.split(' '), '-q', '--filter', 'label=lab.managed=true']);
      expect(out.stdout, `${kind} still lists lab objects`).toBe('');
    }
    expect(await exists('image', 'lab/whoami:1')).toBe(false);
    expect(await exists('image', 'lab-local/haproxy:3.0')).toBe(false);
    expect(existsSync(join(labHome(), 'workspaces', project))).toBe(false);
    // Everything of the user's is still there.
    expect(await exists('container', USER.container)).toBe(true);
    expect((await dockerOn(engine, ['inspect', '-f', '{{.State.Running}}', USER.container])).stdout).toBe('true');
    expect(await exists('network', USER.network)).toBe(true);
    expect(await exists('volume', USER.volume)).toBe(true);
    expect(await exists('image', USER.image)).toBe(true);
    expect(await exists('image', LOCAL_NODE)).toBe(true);
    expect(existsSync(join(notOurs, 'lab.json'))).toBe(true);
    console.info(`[e2e] lab reset --yes --images: ${Math.round(ms)} ms (4 containers, 1 network, images, 1 workspace)`);
    // Nothing left: a second reset has nothing to do.
    expect(expectExit(await lab(['reset', '--yes']), 0).stdout).toMatch(/Nothing to remove/);
  });
});
