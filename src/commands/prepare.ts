import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { listLabFiles, loadLab, PACKAGE_ROOT, type LoadedLab } from '../config/labs.ts';
import type { Context } from '../cli/context.ts';
import { renderTable } from '../core/report.ts';
import { UsageError } from '../core/errors.ts';
import { checkBundle, packBundle, scratchDir, withMember } from '../instructor/bundle.ts';
import { buildImage, imageInfo, loadImage, pullImage, saveImage } from '../instructor/images-engine.ts';
import { buildManifest, imageFile, type ManifestImage } from '../core/instructor/manifest.ts';
import { neededImages, type NeededImage } from '../core/instructor/needed-images.ts';
import { resolveFlags } from '../config/render-flags.ts';
import { openEngine, type Engine } from '../engine/engine.ts';
import { failing } from '../ui/output.ts';
import { shortId } from '../core/lab-id.ts';
import type { OptionsOf } from '../cli/options.ts';
import type { prepareCommand } from './prepare.command.ts';

export type PrepareOptions = OptionsOf<typeof prepareCommand> & { labs?: string[] };

interface Prepared extends NeededImage {
  action: 'present' | 'pulled' | 'built' | 'loaded';
  id: string;
  size: number;
}

/**
 * Make every image the labs need present on the engine (pull, or build the lab's own app), so
 * class starts without waiting on downloads; --save carries them to machines with no registry
 * as a bundle, --load loads such a bundle after checking every checksum.
 */
export async function prepare(ctx: Context, opts: PrepareOptions = {}): Promise<void> {
  if (opts.save && opts.load)
    throw new UsageError('--save and --load cannot be used together', {
      hint: 'Save on a connected machine, load on the others',
    });
  if (opts.load) {
    if (opts.labs?.length)
      ctx.out.warn(`--load loads the whole bundle; the lab ids (${opts.labs.join(' ')}) are ignored`);
    return loadBundle(ctx, resolve(ctx.cwd, opts.load));
  }
  const labs = opts.labs?.length ? opts.labs.map(loadLab) : listLabFiles().map((l) => loadLab(l.id));
  const needs = neededImages(
    labs.map((l) => ({ lab: l.lab, builds: l.builds, images: resolveFlags(ctx, l.lab, { image: opts.image }).images })),
  );
  const engine = await openEngine(ctx);
  const prepared: Prepared[] = [];
  for (const need of needs) prepared.push(await ensure(ctx, engine, need));
  const bundle = opts.save ? await saveBundle(ctx, engine, labs, prepared, resolve(ctx.cwd, opts.save)) : undefined;
  ctx.out.data({
    outcome: 'success',
    host: engine.endpoint.host,
    labs: labs.map((l) => l.lab.id),
    images: prepared.map(publicView),
    ...(bundle ? { bundle } : {}),
  });
  ctx.out.result(
    `${prepared.length} image(s) ready on ${engine.endpoint.host} for ${labs.map((l) => l.lab.id).join(', ')}`,
  );
  ctx.out.result(table(prepared));
  if (bundle)
    ctx.out.result(
      `\nBundle: ${bundle.file} (${mb(bundle.bytes)}). On each machine: lab prepare --load ${bundle.file}`,
    );
}

async function ensure(ctx: Context, engine: Engine, need: NeededImage): Promise<Prepared> {
  const step = ctx.out.step(`${need.ref} (${need.role})`);
  try {
    let info = await imageInfo(engine.docker, need.ref);
    let action: Prepared['action'] = 'present';
    if (!info && need.kind === 'pull') {
      step.update(`Pulling ${need.ref}`);
      await pullImage(engine.docker, need.ref, (t) => step.update(t));
      action = 'pulled';
    } else if (!info) {
      step.update(`Building ${need.ref} from ${need.build?.context}`);
      await buildImage(engine.endpoint, need, ctx.out, ctx.signal);
      action = 'built';
    }
    info ??= await imageInfo(engine.docker, need.ref);
    if (!info) throw new UsageError(`${need.ref} is still missing after it was ${action}`);
    step.succeed(`${need.ref} ${action} (${mb(info.size)})`);
    return { ...need, action, ...info };
  } catch (e) {
    step.fail();
    throw e;
  }
}

async function saveBundle(ctx: Context, engine: Engine, labs: LoadedLab[], images: Prepared[], file: string) {
  const dir = await scratchDir();
  await mkdir(join(dir, 'images'));
  const step = ctx.out.step(`Saving ${images.length} image(s) to ${file}`);
  try {
    const saved: Omit<ManifestImage, 'file'>[] = [];
    for (const [i, image] of images.entries()) {
      step.update(`Saving ${image.ref} (${i + 1}/${images.length})`);
      const facts = await saveImage(engine.docker, image.ref, join(dir, imageFile(i + 1)));
      saved.push({ ref: image.ref, id: image.id, size: image.size, role: image.role, labs: image.labs, ...facts });
    }
    const manifest = buildManifest({
      labVersion: labVersion(),
      created: new Date(),
      labs: labs.map((l) => l.lab.id),
      images: saved,
    });
    step.update(`Writing ${file}`);
    await packBundle(dir, manifest, file);
    const bytes = saved.reduce((n, s) => n + s.bytes, 0);
    step.succeed(`Saved ${images.length} image(s) to ${file}`);
    return { file, bytes, manifest };
  } catch (e) {
    step.fail();
    throw e;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function loadBundle(ctx: Context, file: string): Promise<void> {
  const check = ctx.out.step(`Checking ${file}`);
  const manifest = await failing(
    check,
    checkBundle(file, (t) => check.update(t)),
  );
  check.succeed(
    `${file}: ${manifest.images.length} image(s), every checksum matches (made ${manifest.created} by lab ${manifest.labVersion})`,
  );
  const engine = await openEngine(ctx);
  const loaded: Prepared[] = [];
  for (const image of manifest.images) {
    const step = ctx.out.step(`Loading ${image.ref} (${mb(image.bytes)})`);
    await failing(
      step,
      withMember(file, image.file, (s) => loadImage(engine.docker, s)),
    );
    const info = await imageInfo(engine.docker, image.ref);
    if (info?.id !== image.id) {
      step.fail();
      throw new UsageError(`After loading, ${image.ref} is ${info?.id ?? 'missing'}, the manifest says ${image.id}`, {
        hint: 'The bundle does not hold what its manifest says; make a new one',
      });
    }
    step.succeed(`Loaded ${image.ref}`);
    loaded.push({
      ref: image.ref,
      kind: 'pull',
      role: image.role as Prepared['role'],
      labs: image.labs,
      action: 'loaded',
      id: image.id,
      size: image.size,
    });
  }
  ctx.out.data({
    outcome: 'success',
    host: engine.endpoint.host,
    bundle: { file, created: manifest.created, labVersion: manifest.labVersion },
    labs: manifest.labs,
    images: loaded.map(publicView),
  });
  ctx.out.result(`Loaded ${loaded.length} image(s) into ${engine.endpoint.host} for ${manifest.labs.join(', ')}`);
  ctx.out.result(table(loaded));
  ctx.out.result(
    `\nStart a lab without pulling: lab up ${manifest.labs[0] ? shortId(manifest.labs[0]) : '03'} --pull never`,
  );
}

const publicView = (p: Prepared) => ({
  ref: p.ref,
  role: p.role,
  labs: p.labs,
  action: p.action,
  id: p.id,
  size: p.size,
});
const table = (rows: Prepared[]) =>
  renderTable(
    rows.map((p) => [p.ref, p.role, p.action, p.id.replace(/^sha256:/, '').slice(0, 12), mb(p.size)]),
    ['IMAGE', 'ROLE', 'ACTION', 'ID', 'SIZE'],
  );
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

let version: string | undefined;
const labVersion = (): string =>
  (version ??= (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version);
