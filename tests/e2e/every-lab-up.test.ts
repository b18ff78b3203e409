/**
 * Every one-engine lab starts on a newcomer's machine with nothing set by hand: only what
 * `npm run setup` wrote (on a machine without a registry, its images.conf mapping the images
 * the lab files name to the local builds), and no LAB_IMAGES. Lab 06 once failed here: setup
 * mapped only lab 03's images, and `lab up 06` could not pull redis:7-alpine.
 * Lab 09 needs several machines (--target swarm): tests/swarm covers it.
 */
import { copyFile, readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AUTO_PORTS,
  cleanupLab,
  expectExit,
  labHome,
  parseJson,
  REPO_ROOT,
  requireDocker,
  runLab,
  skipNote,
  uniqueProject,
} from './helpers.ts';

const engine = requireDocker();
const labs = (await readdir(join(REPO_ROOT, 'labs'), { withFileTypes: true }))
  .filter((d) => d.isDirectory() && !d.name.startsWith('09-'))
  .map((d) => d.name.slice(0, 2));

/** Where setup wrote images.conf: lab's home as a user has it (src/context.ts labHome). */
const userHome = process.env.LAB_HOME ?? join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'lab');

describe.skipIf(!engine.ok)(`every one-engine lab with only what setup wrote${skipNote(engine)}`, () => {
  it('knows the labs', () => {
    expect(labs).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '10']);
  });

  it.each(labs)(
    "lab up %s, then down: no LAB_IMAGES, setup's images.conf only",
    async (id) => {
      // The test's own LAB_HOME keeps its workspaces apart; setup's file is copied in as it is.
      await copyFile(join(userHome, 'images.conf'), join(labHome(), 'images.conf')).catch(
        (e: NodeJS.ErrnoException) => {
          if (e.code !== 'ENOENT') throw e; // no file: setup found a registry, and the real images are there
        },
      );
      const p = uniqueProject();
      cleanupLab(id, p, { env: { LAB_IMAGES: undefined } });
      const r = expectExit(
        await runLab(['up', id, '--project', p, ...AUTO_PORTS, '--json'], {
          env: { LAB_IMAGES: undefined },
          timeout: 180_000,
        }),
        0,
      );
      expect(parseJson<{ outcome: string }>(r).outcome).toBe('success');
      expectExit(await runLab(['down', id, '--project', p], { env: { LAB_IMAGES: undefined }, timeout: 60_000 }), 0);
    },
    200_000,
  );
});
