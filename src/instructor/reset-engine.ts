import { lstat, readdir, readFile, rmdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type Dockerode from 'dockerode';
import { imageSubstitutions } from '../config/images-file.ts';
import { labHome } from '../config/lab-home.ts';
import { substitutionMap } from '../core/image-substitutions.ts';
import { LABEL } from '../core/labels.ts';
import {
  labFolders,
  labPaths,
  MARKER_FILE,
  planWorkspaceCleanup,
  type WorkspaceCleanup,
  type WorkspaceFacts,
} from '../core/workspace-files.ts';
import { allLabImages } from './labs-io.ts';
import { neededImages } from '../core/instructor/needed-images.ts';
import { DOCKER_API_CONCURRENCY, imageLabels, removeContainer } from '../docker/engine.ts';
import { mapBounded } from '../core/pool.ts';
import type { ResetInput, ResetPlan } from '../core/instructor/reset-plan.ts';

/** Every image reference the lab definitions name, after substitution, with the labs naming it. */
const labImageRefs = (env: NodeJS.ProcessEnv): Map<string, string[]> =>
  new Map(neededImages(allLabImages(substitutionMap(imageSubstitutions(env)))).map((n) => [n.ref, n.labs]));

/** What the engine and LAB_HOME hold: everything, unfiltered, so the pure planner decides. */
export async function gatherReset(
  docker: Dockerode,
  env: NodeJS.ProcessEnv,
  includeImages: boolean,
): Promise<ResetInput> {
  const [containers, networks, volumes, images, workspaceDirs] = await Promise.all([
    docker.listContainers({ all: true }),
    docker.listNetworks(),
    docker.listVolumes().then((r) => r.Volumes ?? []),
    includeImages ? docker.listImages({ all: false }) : Promise.resolve([]),
    listWorkspaceDirs(env),
  ]);
  // Only containers marked lab.managed can be lab's; their images' labels tell what they inherited.
  const labels = await imageLabels(
    docker,
    containers.filter((c) => c.Labels?.[LABEL.managed] === 'true').map((c) => c.ImageID),
  );
  return {
    containers,
    networks,
    volumes,
    images,
    imageLabels: labels,
    workspaceDirs,
    includeImages,
    labImages: includeImages ? labImageRefs(env) : new Map(),
  };
}

async function listWorkspaceDirs(env: NodeJS.ProcessEnv): Promise<string[]> {
  const root = join(labHome(env), 'workspaces');
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => join(root, e.name));
}

/**
 * What reset deletes in each candidate: only what lab wrote there (core/workspace-files.ts);
 * a folder that is not a directory (a link, a file) or holds no sign of lab is left alone.
 */
export async function workspaceCleanups(candidates: string[], env: NodeJS.ProcessEnv): Promise<WorkspaceCleanup[]> {
  const home = join(labHome(env), 'workspaces');
  // A folder lab cannot read is left alone, like any folder that is not lab's.
  const plans = await Promise.all(
    candidates.map((dir) => workspaceFacts(dir, dirname(dir) === home).then(planWorkspaceCleanup, () => undefined)),
  );
  return plans.filter((p): p is WorkspaceCleanup => p !== undefined);
}

async function workspaceFacts(dir: string, inLabHome: boolean): Promise<WorkspaceFacts> {
  const st = await lstat(dir).catch(() => undefined);
  if (!st?.isDirectory()) return { dir, inLabHome, entries: [] };
  const text = (name: string) => readFile(join(dir, name), 'utf8').catch(() => undefined);
  const [marker, state] = await Promise.all([text(MARKER_FILE), text('lab.json')]);
  const lab = labPaths(marker, state);
  if (!lab) return { dir, inLabHome, entries: [] };
  const entries = await list(dir, '');
  // One level into the subfolders lab's files are in (real folders only, never through a link).
  for (const folder of labFolders(lab)) if (entries.includes(`${folder}/`)) entries.push(...(await list(dir, folder)));
  return { dir, inLabHome, marker, state, entries };
}

async function list(dir: string, sub: string): Promise<string[]> {
  const found = await readdir(join(dir, sub), { withFileTypes: true });
  return found.map((e) => `${sub ? `${sub}/` : ''}${e.name}${e.isDirectory() ? '/' : ''}`);
}

export interface ResetOutcome {
  removed: { containers: string[]; networks: string[]; volumes: string[]; images: string[]; workspaces: string[] };
  failed: { kind: string; name: string; error: string }[];
}

/** Carry out a plan: containers first (they hold networks, volumes and images), then the rest. */
export async function executeReset(
  docker: Dockerode,
  plan: ResetPlan,
  workspaces: WorkspaceCleanup[],
  onStep: (text: string) => void,
): Promise<ResetOutcome> {
  const out: ResetOutcome = {
    removed: { containers: [], networks: [], volumes: [], images: [], workspaces: [] },
    failed: [],
  };
  const attempt = async (kind: keyof ResetOutcome['removed'], name: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      out.removed[kind].push(name);
    } catch (e) {
      if (status(e) === 404)
        out.removed[kind].push(name); // already gone: the goal is met
      else out.failed.push({ kind: kind.replace(/s$/, ''), name, error: reason(e) });
    }
  };
  onStep(`Removing ${plan.containers.length} container(s)`);
  await mapBounded(plan.containers, DOCKER_API_CONCURRENCY, (c) =>
    attempt('containers', c.name, () => removeContainer(docker, c.id, c.running)),
  );
  onStep(`Removing ${plan.networks.length} network(s) and ${plan.volumes.length} volume(s)`);
  await mapBounded(plan.networks, DOCKER_API_CONCURRENCY, (n) =>
    attempt('networks', n.name, () => docker.getNetwork(n.id).remove()),
  );
  await mapBounded(plan.volumes, DOCKER_API_CONCURRENCY, (v) =>
    attempt('volumes', v.name, () => docker.getVolume(v.name).remove()),
  );
  // One image at a time, built ones first: removing a base image's tag must not race its child.
  for (const image of plan.images) {
    onStep(`Removing image ${image.refs.join(', ')}`);
    for (const ref of image.refs) await attempt('images', ref, () => docker.getImage(ref).remove());
  }
  for (const w of workspaces) await attempt('workspaces', w.dir, () => removeLabFiles(w));
  return out;
}

/**
 * Delete what lab wrote in a workspace, never recursively: its files, then its subfolders and
 * the folder itself only with rmdir, which leaves a folder where anything else appeared since.
 */
export async function removeLabFiles(w: WorkspaceCleanup): Promise<void> {
  for (const file of w.files) await unlink(join(w.dir, file)).catch(unlessCode('ENOENT'));
  for (const folder of w.folders) await rmdir(join(w.dir, folder)).catch(unlessCode('ENOENT', 'ENOTEMPTY', 'EEXIST'));
  if (w.removeFolder) await rmdir(w.dir).catch(unlessCode('ENOENT', 'ENOTEMPTY', 'EEXIST'));
}

const unlessCode =
  (...codes: string[]) =>
  (e: NodeJS.ErrnoException) => {
    if (!codes.includes(e.code ?? '')) throw e;
  };

const status = (e: unknown) => (e as { statusCode?: number }).statusCode;
const reason = (e: unknown) => {
  const json = (e as { json?: { message?: string } }).json;
  return (json?.message ?? (e as Error).message ?? String(e)).trim();
};
