/**
 * reset's workspace cleanup on real folders (no Docker): what lab wrote goes, the user's files
 * and folders stay, and links are never followed.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/core/options.ts';
import { removeLabFiles, workspaceCleanups } from '../../src/instructor/reset-engine.ts';
import { resolveWorkspace, writeWorkspace } from '../../src/engine/workspace.ts';
import { loadLab03 } from '../helpers/lab03.ts';
import { tmpDir } from '../helpers/tmp.ts';

const loaded = loadLab03();
const options = resolveOptions(loaded.lab).options;

async function cleanup(dirs: string[], home: string): Promise<void> {
  for (const w of await workspaceCleanups(dirs, { LAB_HOME: home })) await removeLabFiles(w);
}

describe('reset on real workspace folders', () => {
  it("a folder the user pointed lab at keeps the user's files and itself", async () => {
    const home = await tmpDir('lab-home-');
    const dir = join(await tmpDir('lab-user-'), 'p');
    await mkdir(join(dir, 'notes'), { recursive: true });
    await writeFile(join(dir, 'thesis.txt'), 'x');
    await writeWorkspace(resolveWorkspace({ LAB_HOME: home }, options.project, dir), loaded, options);
    await cleanup([dir], home);
    expect((await readdir(dir)).sort()).toEqual(['notes', 'thesis.txt']);
  });

  it('the folder lab made in LAB_HOME goes whole, unless something else is in it', async () => {
    const home = await tmpDir('lab-home-');
    const ws = resolveWorkspace({ LAB_HOME: home }, options.project);
    await writeWorkspace(ws, loaded, options);
    await cleanup([ws.dir], home);
    expect(existsSync(ws.dir)).toBe(false);
    await writeWorkspace(ws, loaded, options);
    await writeFile(join(ws.dir, 'haproxy', 'mine.cfg'), 'x');
    await cleanup([ws.dir], home);
    expect(await readdir(ws.dir)).toEqual(['haproxy']);
    expect(await readdir(join(ws.dir, 'haproxy'))).toEqual(['mine.cfg']);
  });

  it('a workspace that is a link is left alone; a haproxy/ that became a link is not followed', async () => {
    const home = await tmpDir('lab-home-');
    const ws = resolveWorkspace({ LAB_HOME: home }, options.project);
    await writeWorkspace(ws, loaded, options);
    const link = join(home, 'workspaces', 'linked');
    await symlink(ws.dir, link);
    await cleanup([link], home);
    expect(existsSync(join(ws.dir, 'lab.json'))).toBe(true);

    const elsewhere = await tmpDir('lab-elsewhere-');
    await writeFile(join(elsewhere, 'haproxy.cfg'), "the user's");
    await rm(join(ws.dir, 'haproxy'), { recursive: true });
    await symlink(elsewhere, join(ws.dir, 'haproxy'));
    await cleanup([ws.dir], home);
    expect(existsSync(join(elsewhere, 'haproxy.cfg'))).toBe(true);
    expect(existsSync(join(ws.dir, 'lab.json'))).toBe(false);
    expect(await readdir(ws.dir)).toEqual(['haproxy']);
  });
});
