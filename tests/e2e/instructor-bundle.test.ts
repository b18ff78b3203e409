/**
 * Carrying a lab to a machine with no registry: `lab prepare --save` on the main engine, then
 * `lab prepare --load` into ANOTHER engine (an extra dockerd that starts with no images at
 * all), where `lab up --pull never` must then work. A damaged bundle loads nothing.
 */
import { copyFileSync, mkdtempSync, openSync, rmSync, writeSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerOn, extraEnginesUnavailable, startExtraEngine, type ExtraEngine } from './fleet-engines.ts';
import {
  AUTO_PORTS,
  expectExit,
  get,
  LOCAL_HAPROXY,
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

interface PrepareJson {
  outcome: string;
  images: { ref: string; role: string; action: string; id: string; size: number }[];
  bundle?: {
    file: string;
    bytes: number;
    manifest: {
      format: string;
      labs: string[];
      images: { ref: string; id: string; file: string; sha256: string; bytes: number }[];
    };
  };
}

describe.skipIf(!ok).sequential(`lab prepare --save / --load between two engines${note}`, () => {
  let engine: ExtraEngine;
  const dir = mkdtempSync(join(tmpdir(), 'lab-e2e-bundle-'));
  const bundle = join(dir, 'b.tar');
  const project = uniqueProject();
  const images = async () =>
    (await dockerOn(engine, ['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout
      .split('\n')
      .filter(Boolean)
      .sort();

  beforeAll(async () => {
    engine = await startExtraEngine();
  }, 60_000);

  afterAll(async () => {
    if (engine) {
      await runLab(['--host', engine.host, 'down', '03', '--project', project], { timeout: 60_000 }).catch(
        () => undefined,
      );
      await engine.stop();
    }
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('saves the images of lab 03 with a manifest of checksums', async () => {
    const t0 = performance.now();
    const j = parseJson<PrepareJson>(
      expectExit(await runLab(['prepare', '03', '--save', bundle, '--json'], { timeout: 180_000 }), 0),
    );
    console.info(
      `[e2e] lab prepare 03 --save: ${Math.round(performance.now() - t0)} ms, ${(statSync(bundle).size / 1e6).toFixed(0)} MB`,
    );
    expect(j.images.map((i) => [i.ref, i.role])).toEqual([
      [LOCAL_HAPROXY, 'load balancer'],
      [LOCAL_NODE, 'base'],
      ['lab/whoami:1', 'app'],
    ]);
    expect(j.bundle?.manifest.format).toBe('lab-bundle/1');
    expect(j.bundle?.manifest.labs).toEqual(['03-load-balancing']);
    expect(j.bundle?.manifest.images.map((i) => i.file)).toEqual(['images/1.tar', 'images/2.tar', 'images/3.tar']);
    for (const i of j.bundle?.manifest.images ?? []) expect(i.sha256).toMatch(/^[0-9a-f]{64}$/);
  }, 180_000);

  it('without a registry, prepare on the empty engine fails clearly (exit 3) and points to --load', async () => {
    const r = expectExit(await runLab(['--host', engine.host, 'prepare', '03'], { timeout: 60_000 }), 3);
    expect(r.stderr).toMatch(/Could not pull lab-local\/haproxy:3.0/);
    expect(r.stderr).toMatch(/lab prepare --load bundle.tar/);
  }, 60_000);

  it('a damaged bundle: exit 2, the damaged file named, nothing loaded', async () => {
    const bad = join(dir, 'bad.tar');
    copyFileSync(bundle, bad);
    const fd = openSync(bad, 'r+');
    writeSync(fd, Buffer.from('garbage!'), 0, 8, Math.floor(statSync(bad).size / 2));
    closeSync(fd);
    const r = expectExit(await runLab(['--host', engine.host, 'prepare', '--load', bad]), 2);
    expect(r.stderr).toMatch(/is not a usable lab bundle: nothing was loaded/);
    expect(r.stderr).toMatch(/images\/\d\.tar \(.+\) has sha256 .+, the manifest says/);
    expect(await images()).toEqual([]);
    rmSync(bad);
  }, 60_000);

  it('loads into the other engine, where lab up --pull never then works', async () => {
    const t0 = performance.now();
    const j = parseJson<PrepareJson>(
      expectExit(await runLab(['--host', engine.host, 'prepare', '--load', bundle, '--json'], { timeout: 180_000 }), 0),
    );
    console.info(`[e2e] lab prepare --load: ${Math.round(performance.now() - t0)} ms`);
    expect(j.images.map((i) => i.action)).toEqual(['loaded', 'loaded', 'loaded']);
    expect(await images()).toEqual(['lab-local/haproxy:3.0', 'lab-local/node:20', 'lab/whoami:1']);

    const up = expectExit(
      await runLab(
        ['--host', engine.host, 'up', '03', '--pull', 'never', '--project', project, ...AUTO_PORTS, '--json'],
        { timeout: 120_000 },
      ),
      0,
    );
    const app = parseJson<{ urls: { app: string } }>(up).urls.app;
    expect((await get(app)).status).toBe(200);
    expect(
      (await dockerOn(engine, ['ps', '-q', '--filter', `label=lab.project=${project}`])).stdout.split('\n'),
    ).toHaveLength(4);
    expectExit(await runLab(['--host', engine.host, 'down', '03', '--project', project]), 0);
    expect((await dockerOn(engine, ['ps', '-aq', '--filter', `label=lab.project=${project}`])).stdout).toBe('');
  }, 240_000);
});
