/**
 * The persistent image substitutions ($LAB_HOME/images.conf, what `npm run setup` writes on a
 * machine without a registry): the real binary reads them without LAB_IMAGES, LAB_IMAGES and
 * --image win over them, doctor names their source, and a lab comes up on them alone.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import {
  AUTO_PORTS,
  BIN,
  cleanupLab,
  describeRun,
  expectExit,
  LOCAL_HAPROXY,
  LOCAL_NODE,
  parseJson,
  requireDocker,
  runLab,
  skipNote,
  uniqueProject,
} from './helpers.ts';

const SETUP_FILE = `# Written by npm run setup\nhaproxy:3.0=${LOCAL_HAPROXY}\nnode:20-alpine=${LOCAL_NODE}\n`;

/** A LAB_HOME holding an images file, and the environment to run lab with it (no LAB_IMAGES). */
async function homeWith(text: string, env: Record<string, string | undefined> = {}) {
  const home = await tmpDir('lab-e2e-images-');
  await writeFile(join(home, 'images.conf'), text);
  return { home, file: join(home, 'images.conf'), env: { LAB_HOME: home, LAB_IMAGES: undefined, ...env } };
}

/** The images a rendered compose file runs: the HAProxy image and the app's base image. */
async function rendered(args: string[], env: Record<string, string | undefined>) {
  const r = expectExit(await runLab(['render', '03', '--json', ...args], { env }), 0);
  const compose = await readFile(parseJson<{ files: { compose: string } }>(r).files.compose, 'utf8');
  return { haproxy: /image: (\S*haproxy\S*)/.exec(compose)?.[1], base: /BASE_IMAGE: (\S+)/.exec(compose)?.[1] };
}

describe.skipIf(!existsSync(BIN)).sequential('the images file in LAB_HOME', () => {
  it('is used without LAB_IMAGES; LAB_IMAGES wins per image; --image wins over both', async () => {
    const { env } = await homeWith(SETUP_FILE);
    expect(await rendered([], env)).toEqual({ haproxy: LOCAL_HAPROXY, base: LOCAL_NODE });
    expect(await rendered([], { ...env, LAB_IMAGES: 'haproxy:3.0=mirror.local/haproxy:3.0' })).toEqual({
      haproxy: 'mirror.local/haproxy:3.0',
      base: LOCAL_NODE,
    });
    expect(
      await rendered(['--image', 'haproxy:3.0=other.local/haproxy:3.0'], {
        ...env,
        LAB_IMAGES: 'haproxy:3.0=mirror.local/haproxy:3.0',
      }),
    ).toEqual({ haproxy: 'other.local/haproxy:3.0', base: LOCAL_NODE });
  });

  it('a malformed line: exit 2 naming the file and line, nothing rendered', async () => {
    const { home, file, env } = await homeWith(`haproxy:3.0=${LOCAL_HAPROXY}\nnode:20-alpine = ${LOCAL_NODE}\n`);
    const r = expectExit(await runLab(['render', '03'], { env }), 2);
    expect(r.stderr, describeRun(r)).toContain(`${file}:2:1 "node:20-alpine = ${LOCAL_NODE}" must look like FROM=TO`);
    expect(r.stderr).toContain(`rm ${file}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(home, 'workspaces'))).toBe(false);
  });
});

const engine = requireDocker();

describe.skipIf(!engine.ok).sequential(`the images file on the real engine${skipNote(engine)}`, () => {
  it('doctor lists each substitution with its source', async () => {
    const { file, env } = await homeWith(SETUP_FILE, { LAB_IMAGES: 'haproxy:3.0=mirror.local/haproxy:3.0' });
    const r = expectExit(await runLab(['doctor', '--json'], { env, timeout: 90_000 }), 0);
    const rows = parseJson<{ checks: { name: string; status: string; detail: string }[] }>(r).checks.filter(
      (c) => c.name === 'substitute',
    );
    expect(rows.map((c) => `${c.status} ${c.detail}`)).toEqual([
      `ok node:20-alpine → ${LOCAL_NODE} (${file}:3)`,
      `ok haproxy:3.0 → mirror.local/haproxy:3.0 (LAB_IMAGES, over ${file}:2)`,
    ]);
  }, 90_000);

  it('lab up 03 runs on the local images with the file alone (no LAB_IMAGES, no --image)', async () => {
    const { env } = await homeWith(SETUP_FILE);
    const p = uniqueProject();
    cleanupLab('03', p, { env });
    const r = expectExit(
      await runLab(['up', '03', '--project', p, '-n', '2', ...AUTO_PORTS, '--pull', 'never', '--json'], { env }),
      0,
    );
    expect(parseJson<{ outcome: string; servers: unknown[] }>(r)).toMatchObject({
      outcome: 'success',
      servers: [{}, {}],
    });
  }, 120_000);
});
