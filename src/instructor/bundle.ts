import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { EnvironmentError, UsageError } from '../core/errors.ts';
import { streamFacts } from './images-engine.ts';
import {
  MANIFEST_FILE,
  parseManifest,
  unexpectedMembers,
  verifyBundle,
  type FileFacts,
  type Manifest,
} from '../core/instructor/manifest.ts';

/**
 * The outer tar is made and read by the system's `tar` (GNU tar on Linux, bsdtar on macOS and
 * Windows 10+), which every machine lab runs on has: no npm dependency for two calls. Members
 * are always named explicitly, so nothing but the manifest and image files is ever extracted.
 */
async function tar(args: string[], what: string): Promise<string> {
  const r = await execa('tar', args, { reject: false, stdin: 'ignore' });
  if ((r as { code?: string }).code === 'ENOENT')
    throw new EnvironmentError('The tar program is not installed; lab needs it for bundles', {
      hint: 'Install it, e.g. sudo apt-get install tar',
    });
  if (r.failed)
    throw new UsageError(
      `${what}: ${String(r.stderr).trim().split('\n').slice(-2).join(' ') || `tar exited ${r.exitCode}`}`,
    );
  return String(r.stdout);
}

/** A scratch directory for one bundle, removed by the caller's finally. */
export const scratchDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'lab-bundle-'));

/**
 * Write the bundle: manifest.json first (so a reader meets it before gigabytes of layers),
 * then the image files already saved under `dir`. Written beside the target and renamed, so a
 * half-written bundle never carries the final name.
 */
export async function packBundle(dir: string, manifest: Manifest, target: string): Promise<void> {
  await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  const partial = `${target}.${process.pid}.${Date.now()}.partial`;
  try {
    await tar(
      ['-cf', partial, '-C', dir, MANIFEST_FILE, ...manifest.images.map((i) => i.file)],
      `Could not write ${target}`,
    );
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
}

/**
 * Read and check a bundle completely before anything is loaded: only expected members, each
 * once, a valid manifest, and every image file of the stated size and sha256. Each member is
 * streamed out of the bundle (`tar -xO`), so checking needs no scratch space. Throws a
 * UsageError listing every problem.
 */
export async function checkBundle(file: string, onStep: (text: string) => void): Promise<Manifest> {
  const damaged = (problems: string[]) =>
    new UsageError(`${file} is not a usable lab bundle: nothing was loaded`, {
      details: problems,
      hint: 'Copy the bundle again, or make a new one with lab prepare --save',
    });
  const members = (await tar(['-tf', file], `${file} is not a readable tar file`)).split('\n').filter(Boolean);
  const twice = members.filter((m, i) => members.indexOf(m) !== i);
  const extra = [
    ...unexpectedMembers(members).map((m) => `unexpected member ${m}`),
    ...twice.map((m) => `${m} appears twice`),
  ];
  if (extra.length) throw damaged(extra);
  if (!members.includes(MANIFEST_FILE)) throw damaged([`no ${MANIFEST_FILE}`]);
  const { manifest, problems } = parseManifest(
    await tar(['-xOf', file, MANIFEST_FILE], `Could not read ${MANIFEST_FILE} from ${file}`),
  );
  if (!manifest) throw damaged(problems);
  const files = members.filter((m) => m !== MANIFEST_FILE && !m.endsWith('/'));
  const found = new Map<string, FileFacts>();
  for (const [i, f] of files.entries()) {
    onStep(`Checking ${f} (${i + 1}/${files.length})`);
    found.set(f, await withMember(file, f, streamFacts));
  }
  const bad = verifyBundle(manifest, found);
  if (bad.length) throw damaged(bad);
  return manifest;
}

/** Run fn on one member's bytes as a stream, straight out of the bundle. */
export async function withMember<T>(file: string, member: string, fn: (stream: Readable) => Promise<T>): Promise<T> {
  const child = execa('tar', ['-xOf', file, member], { buffer: false, stdin: 'ignore', stderr: 'pipe', reject: false });
  const [value, r] = await Promise.all([fn(child.stdout), child]);
  if (r.failed)
    throw new UsageError(
      `Could not read ${member} from ${file}: ${String(r.stderr ?? '').trim() || `tar exited ${r.exitCode}`}`,
    );
  return value;
}
