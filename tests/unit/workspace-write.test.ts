/**
 * What `lab render` / `lab up` leave on disk: the stats password only in files private to the
 * user, and a record of what lab wrote, so reset can tell lab's files from the user's.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../src/config/labs.ts';
import { resolveOptions } from '../../src/core/options.ts';
import { parseMarker } from '../../src/core/workspace-files.ts';
import { readState, resolveWorkspace, writeWorkspace } from '../../src/engine/workspace.ts';
import { loadLab03 } from '../helpers/lab03.ts';
import { tmpDir } from '../helpers/tmp.ts';

const loaded = loadLab03();
const options = resolveOptions(loaded.lab, { statsUser: 'teacher', statsPassword: 'Sup3r-s3cret' }).options;
const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('a workspace lab writes', () => {
  it('keeps the stats password only in files only the user can read (0600, the folder 0700)', async () => {
    const home = await tmpDir('lab-ws-');
    const ws = resolveWorkspace({ LAB_HOME: home }, options.project);
    await writeWorkspace(ws, loaded, options);
    expect(await mode(ws.dir)).toBe(0o700);
    expect(await mode(ws.stateFile)).toBe(0o600);
    expect(await mode(ws.envFile)).toBe(0o600);
    for (const file of [ws.stateFile, ws.envFile]) expect(await readFile(file, 'utf8')).toContain('Sup3r-s3cret');
    // The official image's HAProxy (uid 99) reads haproxy.cfg through a bind mount: readable, and no secret in it.
    expect(await mode(ws.haproxyCfg)).toBe(0o644);
    expect(await mode(join(ws.dir, 'haproxy'))).toBe(0o755);
    for (const file of [ws.haproxyCfg, ws.composeFile, ws.markerFile])
      expect(await readFile(file, 'utf8')).not.toContain('Sup3r-s3cret');
  });

  it('records every file it wrote, and that it made the folder', async () => {
    const home = await tmpDir('lab-ws-');
    const ws = resolveWorkspace({ LAB_HOME: home }, options.project);
    expect(ws.inLabHome).toBe(true);
    await writeWorkspace(ws, loaded, options);
    const marker = parseMarker(await readFile(ws.markerFile, 'utf8'));
    expect(marker).toEqual({
      format: 'lab-files/1',
      createdFolder: true,
      files: ['compose.yaml', 'haproxy.env', 'haproxy/haproxy.cfg', 'lab-files.json', 'lab.json'],
      folders: ['haproxy'],
    });
    for (const f of marker!.files) expect(existsSync(join(ws.dir, f)), f).toBe(true);
  });

  it("in a folder the user pointed lab at: records that lab did not make it, and leaves the user's files and the folder's mode alone", async () => {
    const dir = await tmpDir('lab-ws-user-');
    await writeFile(join(dir, 'thesis.txt'), 'x');
    const before = await mode(dir);
    const ws = resolveWorkspace({ LAB_HOME: '/nonexistent' }, options.project, dir);
    expect(ws.inLabHome).toBe(false);
    await writeWorkspace(ws, loaded, options);
    await writeWorkspace(ws, loaded, { ...options, replicas: 5 });
    const marker = parseMarker(await readFile(ws.markerFile, 'utf8'));
    expect(marker?.createdFolder).toBe(false);
    expect(marker?.files).not.toContain('thesis.txt');
    expect(await mode(dir)).toBe(before);
    expect(await readFile(join(dir, 'thesis.txt'), 'utf8')).toBe('x');
  });

  it('a workspace an earlier lab wrote (lab.json, no record) in LAB_HOME counts as made by lab', async () => {
    const home = await tmpDir('lab-ws-');
    const ws = resolveWorkspace({ LAB_HOME: home }, options.project);
    await mkdir(join(ws.dir, 'haproxy'), { recursive: true });
    await writeFile(ws.stateFile, JSON.stringify({ lab: loaded.lab.id, labFile: loaded.file, options }));
    await writeWorkspace(ws, loaded, options);
    expect(parseMarker(await readFile(ws.markerFile, 'utf8'))).toMatchObject({
      createdFolder: true,
      folders: ['haproxy'],
    });
  });

  it('reads the options back, --stats-admin included; a lab.json from before it follows --expose', async () => {
    const home = await tmpDir('lab-ws-');
    const ws = resolveWorkspace({ LAB_HOME: home }, options.project);
    await writeWorkspace(ws, loaded, { ...options, expose: true, statsAdmin: true });
    expect((await readState(ws))?.options.statsAdmin).toBe(true);
    const { statsAdmin: _, ...old } = { ...options, expose: true };
    await writeFile(ws.stateFile, JSON.stringify({ lab: loaded.lab.id, labFile: loaded.file, options: old }));
    expect((await readState(ws))?.options.statsAdmin).toBe(false);
  });
});

describe('the same writer in student mode (lab 02)', () => {
  it("writes 00-lab.cfg as lab's, copies the starter once as the student's, and never overwrites the student's edit", async () => {
    const lab02 = loadLab('02');
    const o = resolveOptions(lab02.lab, {}).options;
    const home = await tmpDir('lab-ws-student-');
    const ws = resolveWorkspace({ LAB_HOME: home }, o.project);
    const first = await writeWorkspace(ws, lab02, o);
    expect(first.cfgChanged).toBe(false);
    expect(await readFile(ws.haproxyCfg, 'utf8')).toBe(await readFile(lab02.starter!, 'utf8'));
    expect(await mode(ws.haproxyCfg)).toBe(0o644);
    expect(await mode(ws.labCfg)).toBe(0o644);
    expect(parseMarker(await readFile(ws.markerFile, 'utf8'))).toEqual({
      format: 'lab-files/1',
      createdFolder: true,
      files: ['compose.yaml', 'haproxy.env', 'haproxy/00-lab.cfg', 'lab-files.json', 'lab.json'],
      folders: ['haproxy'],
      student: ['haproxy/haproxy.cfg'],
    });
    expect((await readState(ws))?.studentConfig).toBe(ws.haproxyCfg);

    await writeFile(ws.haproxyCfg, 'frontend mine\n    bind :8080\n');
    const again = await writeWorkspace(ws, lab02, o);
    expect(await readFile(ws.haproxyCfg, 'utf8')).toBe('frontend mine\n    bind :8080\n');
    // 00-lab.cfg's config id covers the student's file: it changed, so HAProxy must reload.
    expect(again.cfgChanged).toBe(true);
    expect(again.configId).not.toBe(first.configId);
  });
});
