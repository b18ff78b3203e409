/**
 * Nothing lab did not create is touched, even where it looks like lab's: the files a user
 * keeps in a folder they pointed lab at (`lab up 03 -w .`), and containers a user starts from
 * an image lab built or uses, which inherit the image's labels (the built app image, the
 * HAProxy image, and a `docker commit` of a lab container). reset, down, status and doctor
 * leave them running and don't count them; up refuses to let compose adopt them. On an extra
 * engine, as reset removes every lab object on the engine it runs on (see instructor-reset.test.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerOn, extraEnginesUnavailable, seedImages, startExtraEngine, type ExtraEngine } from './fleet-engines.ts';
import {
  AUTO_PORTS,
  describeRun,
  expectExit,
  labHome,
  LOCAL_HAPROXY,
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

/** The user's containers, each from an image that carries lab's labels or that lab uses. */
const FOREIGN = {
  fromApp: 'user-from-lab-app-image',
  fromHaproxy: 'user-from-lab-haproxy-image',
  fromCommit: 'user-from-committed-lab-container',
  fromCommitStopped: 'user-from-committed-lab-container-stopped',
  /** Made in the down test, from a commit of that test's project. */
  fromCommitOfDowned: 'user-from-committed-container-of-downed-lab',
};
const SNAPSHOT = 'user/snapshot:1';

describe.skipIf(!ok).sequential(`what lab did not create survives reset, down, status and doctor${note}`, () => {
  let engine: ExtraEngine;
  const project = uniqueProject();
  // Not under LAB_HOME/workspaces: a folder of the user's (removed with LAB_HOME after the file).
  const userDir = join(labHome(), 'my-projects', 'thesis');
  const lab = (args: string[]) => runLab(['--host', engine.host, ...args], { timeout: 120_000 });
  const labContainers = [`${project}-app-1`, `${project}-app-2`, `${project}-app-3`, `${project}-haproxy-1`];
  const running = async (name: string) =>
    (await dockerOn(engine, ['inspect', '-f', '{{.State.Running}}', name])).stdout;
  const expectForeignUntouched = async () => {
    for (const name of [FOREIGN.fromApp, FOREIGN.fromHaproxy, FOREIGN.fromCommit])
      expect(await running(name), name).toBe('true');
    expect(await running(FOREIGN.fromCommitStopped)).toBe('false');
  };
  const allContainers = async () =>
    (await dockerOn(engine, ['ps', '-a', '--format', '{{.Names}}'])).stdout.split('\n').filter(Boolean).sort();
  const up = (args: string[] = [], p = project) =>
    lab(['up', '03', '--project', p, '--pull', 'never', ...AUTO_PORTS, ...args]);

  beforeAll(async () => {
    engine = await startExtraEngine();
    await seedImages(engine);
    // The user's folder, with their work in it, where they ran `lab up 03 -w .`.
    mkdirSync(userDir, { recursive: true });
    writeFileSync(join(userDir, 'thesis.txt'), 'x\n');
    expectExit(await up(['--workspace', userDir]), 0);
    const docker = async (args: string[]) => {
      const r = await dockerOn(engine, args);
      if (r.exitCode !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
    };
    await docker(['run', '-d', '--name', FOREIGN.fromApp, 'lab/whoami:1']);
    await docker(['run', '-d', '--name', FOREIGN.fromHaproxy, LOCAL_HAPROXY, 'sleep', '600']);
    await docker(['commit', `${project}-app-1`, SNAPSHOT]);
    await docker(['run', '-d', '--name', FOREIGN.fromCommit, SNAPSHOT]);
    await docker(['create', '--name', FOREIGN.fromCommitStopped, SNAPSHOT]);
  }, 180_000);

  afterAll(async () => {
    if (engine) {
      await dockerOn(engine, ['rm', '-f', ...Object.values(FOREIGN)]);
      await engine.stop();
    }
  }, 60_000);

  it('the foreign containers really carry lab labels (else this test proves nothing)', async () => {
    const labels = async (name: string) =>
      JSON.parse((await dockerOn(engine, ['inspect', '-f', '{{json .Config.Labels}}', name])).stdout) as Record<
        string,
        string
      >;
    expect(await labels(FOREIGN.fromCommit)).toMatchObject({
      'lab.managed': 'true',
      'lab.project': project,
      'com.docker.compose.project': project,
    });
    expect(await labels(FOREIGN.fromApp)).toMatchObject({ 'lab.image.built-for': '03-load-balancing' });
  });

  it("status counts only lab's containers", async () => {
    const all = parseJson<{ labs: { project: string; containers: number }[] }>(
      expectExit(await lab(['status', '--json']), 0),
    );
    expect(all.labs.map((l) => [l.project, l.containers])).toEqual([[project, 4]]);
    const one = parseJson<{ containers: { name: string }[] }>(
      expectExit(await lab(['status', '03', '--project', project, '--json']), 0),
    );
    expect(one.containers.map((c) => c.name).sort()).toEqual(labContainers);
  });

  it('doctor counts no stopped lab container', async () => {
    const r = await lab(['doctor', '--json']);
    const j = parseJson<{ checks: { name: string; status: string; detail: string }[] }>(r);
    expect(
      j.checks.filter((c) => c.name === 'leftovers').map((c) => c.detail),
      describeRun(r),
    ).toContain('no stopped lab containers');
  });

  it("reset --dry-run lists lab's files in the user's folder and says the folder stays, and why", async () => {
    const j = parseJson<{
      removed: { containers: string[]; images: string[] };
      kept: { ref: string; reason: string }[];
      workspaces: { dir: string; files: string[]; folderRemoved: boolean; folderKept?: string }[];
    }>(expectExit(await lab(['reset', '--dry-run', '--images', '--json']), 0));
    expect(j.removed.containers.sort()).toEqual(labContainers);
    expect(j.workspaces).toEqual([
      {
        dir: userDir,
        files: ['compose.yaml', 'haproxy.env', 'haproxy/haproxy.cfg', 'lab-files.json', 'lab.json', 'haproxy/'],
        folderRemoved: false,
        folderKept: 'lab did not create it, and it holds 1 other item(s): thesis.txt',
      },
    ]);
    // The images the user's containers run stay, and say why.
    expect(j.removed.images).not.toContain('lab/whoami:1');
    expect(j.removed.images).not.toContain(SNAPSHOT);
    expect(j.kept).toContainEqual({
      kind: 'image',
      ref: 'lab/whoami:1',
      reason: `used by container ${FOREIGN.fromApp}, which lab did not create`,
    });
    const text = expectExit(await lab(['reset', '--dry-run']), 0).stdout;
    expect(text).toContain(
      `${userDir}: only lab's files compose.yaml, haproxy.env, haproxy/haproxy.cfg, lab-files.json, lab.json, haproxy/; the folder stays: lab did not create it, and it holds 1 other item(s): thesis.txt`,
    );
    expect(readdirSync(userDir)).toContain('compose.yaml');
  });

  it("reset --yes removes lab's containers and files, and leaves the user's folder, work and containers", async () => {
    const r = expectExit(await lab(['reset', '--yes', '--json']), 0);
    expect(parseJson<{ removed: { containers: string[] } }>(r).removed.containers.sort()).toEqual(labContainers);
    expect(readdirSync(userDir)).toEqual(['thesis.txt']);
    expect(readFileSync(join(userDir, 'thesis.txt'), 'utf8')).toBe('x\n');
    await expectForeignUntouched();
    expect(await allContainers()).toEqual(
      [FOREIGN.fromApp, FOREIGN.fromCommit, FOREIGN.fromCommitStopped, FOREIGN.fromHaproxy].sort(),
    );
  });

  it("up refuses a project where compose would adopt the user's committed container (exit 3, nothing started)", async () => {
    const r = expectExit(await up(), 3);
    expect(r.stderr).toContain(
      `Containers ${FOREIGN.fromCommit} and 1 more carry the compose labels of project ${project} but lab did not create it`,
    );
    expect(r.stderr).toContain(`--project ${project}-2`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    await expectForeignUntouched();
    expect(await allContainers()).toEqual(
      [FOREIGN.fromApp, FOREIGN.fromCommit, FOREIGN.fromCommitStopped, FOREIGN.fromHaproxy].sort(),
    );
  });

  it("down removes the project's containers, not the user's that claim the same project", async () => {
    const other = `${project}-2`;
    expectExit(await up([], other), 0);
    // The user snapshots this lab's HAProxy and runs it: it claims project `other` too.
    for (const args of [
      ['commit', `${other}-haproxy-1`, `${SNAPSHOT}-haproxy`],
      ['run', '-d', '--name', FOREIGN.fromCommitOfDowned, `${SNAPSHOT}-haproxy`, 'sleep', '600'],
    ]) {
      expect((await dockerOn(engine, args)).exitCode, args.join(' ')).toBe(0);
    }
    const r = expectExit(await lab(['down', '03', '--project', other, '--json']), 0);
    expect(parseJson<{ removed: { containers: string[] } }>(r).removed.containers.sort()).toEqual([
      `${other}-app-1`,
      `${other}-app-2`,
      `${other}-app-3`,
      `${other}-haproxy-1`,
    ]);
    expect(await running(FOREIGN.fromCommitOfDowned)).toBe('true');
    await expectForeignUntouched();
    expect(existsSync(join(labHome(), 'workspaces', other, 'lab.json'))).toBe(true);
    expect(parseJson<{ labs: unknown[] }>(expectExit(await lab(['status', '--json']), 0)).labs).toEqual([]);
  }, 90_000);
});
