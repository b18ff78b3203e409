/**
 * What `lab render` / `lab up` leave on disk: a record of what lab wrote, so reset can tell
 * lab's files from the user's.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/core/options.ts';
import { parseMarker } from '../../src/core/workspace-files.ts';
import { resolveWorkspace, writeWorkspace } from '../../src/workspace.ts';
import { loadLab03 } from '../helpers/lab03.ts';
import { tmpDir } from '../helpers/tmp.ts';

const loaded = loadLab03();
const options = resolveOptions(loaded.lab).options;
const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('a workspace lab writes', () => {
  it('records every file it wrote, and that it made the folder', async () => {
    const home = await tmpDir('lab-ws-');
    const ws = resolveWorkspace({ LAB_HOME: home }, options.project);
    expect(ws.inLabHome).toBe(true);
    await writeWorkspace(ws, loaded, options);
    const marker = parseMarker(await readFile(ws.markerFile, 'utf8'));
    expect(marker).toEqual({ format: 'lab-files/1', createdFolder: true, files: ['compose.yaml', 'haproxy/haproxy.cfg', 'lab-files.json', 'lab.json'], folders: ['haproxy'] });
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
    expect(parseMarker(await readFile(ws.markerFile, 'utf8'))).toMatchObject({ createdFolder: true, folders: ['haproxy'] });
  });
});
