import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LoadedLab } from './config/labs.ts';
import { workspaceDir, type Context } from './context.ts';
import type { LabContainer } from './docker/engine.ts';
import type { RenderOptions } from './core/options.ts';
import { renderCompose } from './core/render-compose.ts';
import { configIdOf } from './core/config-id.ts';
import { renderHaproxyCfg } from './core/render-haproxy.ts';

/** What a workspace records about the lab it was rendered for; status and check read it. */
export interface WorkspaceState {
  lab: string;
  labFile: string;
  options: RenderOptions;
}

export interface Workspace {
  dir: string;
  composeFile: string;
  haproxyCfg: string;
  stateFile: string;
}

export const workspacePaths = (dir: string): Workspace => ({
  dir,
  composeFile: join(dir, 'compose.yaml'),
  haproxyCfg: join(dir, 'haproxy', 'haproxy.cfg'),
  stateFile: join(dir, 'lab.json'),
});

export const resolveWorkspace = (env: NodeJS.ProcessEnv, project: string, override?: string): Workspace =>
  workspacePaths(override ? resolve(override) : workspaceDir(env, project));

/**
 * Write a lab's rendered files. Returns whether haproxy.cfg changed, so a running HAProxy can reload,
 * and the id HAProxy will serve once it runs the new file (core/config-id.ts).
 * `remote`: the engine is on another machine (see renderCompose's inlineHaproxyCfg).
 */
export async function writeWorkspace(ws: Workspace, loaded: LoadedLab, options: RenderOptions, remote = false): Promise<{ cfgChanged: boolean; configId: string }> {
  const cfg = renderHaproxyCfg(loaded.lab, options);
  // A remote engine cannot bind-mount ./haproxy from this machine: the config goes inline.
  const compose = renderCompose({ lab: loaded.lab, options, workspace: ws.dir, buildContext: loaded.buildContext, buildHash: loaded.buildHash, inlineHaproxyCfg: remote ? cfg : undefined });
  const previous = await readFile(ws.haproxyCfg, 'utf8').catch(() => undefined);
  await mkdir(join(ws.dir, 'haproxy'), { recursive: true });
  const state: WorkspaceState = { lab: loaded.lab.id, labFile: loaded.file, options };
  await Promise.all([atomicWrite(ws.composeFile, compose), atomicWrite(ws.haproxyCfg, cfg), atomicWrite(ws.stateFile, `${JSON.stringify(state, null, 2)}\n`)]);
  return { cfgChanged: previous !== undefined && previous !== cfg, configId: configIdOf(cfg) ?? '' };
}

export async function readState(ws: Workspace): Promise<WorkspaceState | undefined> {
  try {
    return JSON.parse(await readFile(ws.stateFile, 'utf8')) as WorkspaceState;
  } catch {
    return undefined;
  }
}

/**
 * Where a running project was rendered (its HAProxy's lab.workspace label, so a --workspace
 * given at up time is found again) and the options recorded there; no state when it is gone.
 */
export async function projectWorkspace(ctx: Pick<Context, 'env'>, project: string, haproxy: Pick<LabContainer, 'workspace'>): Promise<{ ws: Workspace; state?: WorkspaceState }> {
  const ws = resolveWorkspace(ctx.env, project, haproxy.workspace || undefined);
  return { ws, state: await readState(ws) };
}

/** Write through a temporary file and rename, so HAProxy or compose never read half a file. */
async function atomicWrite(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o644 });
  await rename(tmp, file);
}
