import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { LoadedLab } from '../config/labs.ts';
import type { Context } from '../cli/context.ts';
import { workspaceDir } from '../config/lab-home.ts';
import type { LabContainer } from '../docker/engine.ts';
import type { RenderOptions } from '../core/options.ts';
import { renderCompose } from '../core/render-compose.ts';
import { renderHaproxyCfg } from '../core/render-haproxy.ts';
import { HAPROXY_ENV_FILE, renderHaproxyEnv } from '../core/render-secrets.ts';
import { isLabState, MARKER_FILE, nextMarker, parseMarker, renderMarker } from '../core/workspace-files.ts';
import { configIdOf } from '../core/config-id.ts';
import { UsageError } from '../core/errors.ts';
import { LAB_CFG_FILE, renderLabCfg } from '../core/render-lab-cfg.ts';
import { readLabCfgTemplate } from '../config/templates.ts';

/** What a workspace records about the lab it was rendered for; status and check read it. */
export interface WorkspaceState {
  lab: string;
  labFile: string;
  options: RenderOptions;
  /** Student mode: the absolute path of the student's haproxy.cfg (lab status --json reports it). */
  studentConfig?: string;
}

export interface Workspace {
  dir: string;
  composeFile: string;
  /** Generated mode: the haproxy.cfg lab writes. Student mode: the student's file (lab writes it once, from the starter). */
  haproxyCfg: string;
  /** Student mode: lab's own part, loaded first (core/render-lab-cfg.ts). */
  labCfg: string;
  /** The stats credentials HAProxy reads from its environment (core/render-secrets.ts). */
  envFile: string;
  stateFile: string;
  /** What lab wrote here (core/workspace-files.ts), so reset deletes that and nothing else. */
  markerFile: string;
  /** The folder is LAB_HOME/workspaces/<name>, lab's own place, rather than one a user named. */
  inLabHome: boolean;
}

const workspacePaths = (dir: string, inLabHome = false): Workspace => ({
  dir,
  inLabHome,
  composeFile: join(dir, 'compose.yaml'),
  haproxyCfg: join(dir, 'haproxy', 'haproxy.cfg'),
  labCfg: join(dir, 'haproxy', LAB_CFG_FILE),
  envFile: join(dir, HAPROXY_ENV_FILE),
  stateFile: join(dir, 'lab.json'),
  markerFile: join(dir, MARKER_FILE),
});

export function resolveWorkspace(env: NodeJS.ProcessEnv, project: string, override?: string): Workspace {
  const dir = override ? resolve(override) : workspaceDir(env, project);
  return workspacePaths(dir, dirname(dir) === dirname(workspaceDir(env, project)));
}

/** Private: the files holding the stats password, and a folder lab creates. */
const PRIVATE = 0o600;
const PRIVATE_DIR = 0o700;
/** haproxy.cfg and its folder are bind-mounted: the official image's HAProxy (uid 99) must read them. */
const SHARED = 0o644;
const SHARED_DIR = 0o755;

/**
 * Write a lab's rendered files. Returns whether HAProxy's configuration changed, so a running
 * HAProxy can reload, and the id HAProxy will serve once it runs it (core/config-id.ts).
 * `remote`: the engine is on another machine (see renderCompose's inlineHaproxyCfg).
 *
 * One writer for both modes; what differs is the HAProxy file lab writes. Generated mode: lab
 * writes haproxy.cfg. Student mode: lab writes 00-lab.cfg, and haproxy.cfg is the student's:
 * created from the lab's starter when absent, never overwritten, listed in the marker as the
 * student's (so reset keeps it); the config id covers both files.
 */
export async function writeWorkspace(
  ws: Workspace,
  loaded: LoadedLab,
  options: RenderOptions,
  remote = false,
): Promise<{ cfgChanged: boolean; configId: string }> {
  const student = loaded.starter;
  // The student edits haproxy.cfg on this machine and HAProxy reads it through a bind mount.
  if (student && remote)
    throw new UsageError(
      `Lab ${loaded.lab.id} has the student write haproxy.cfg on this machine: it runs on a local Docker engine only, for now`,
      { hint: 'Run it without --host (or DOCKER_HOST) pointing at another machine' },
    );
  const cfgFile = student ? ws.labCfg : ws.haproxyCfg;
  const [previous, marker, state, existing] = await Promise.all(
    [cfgFile, ws.markerFile, ws.stateFile, ws.haproxyCfg].map((f) => readFile(f, 'utf8').catch(() => undefined)),
  );
  const createdFolder = await makeFolder(ws.dir, PRIVATE_DIR, true);
  const createdHaproxy = await makeFolder(dirname(ws.haproxyCfg), SHARED_DIR);
  // The marker first: it names each file before the file exists, so an interrupted write
  // leaves nothing lab cannot account for.
  const rel = (f: string) => relative(ws.dir, f);
  const next = nextMarker(parseMarker(marker), {
    createdFolder,
    legacyState: isLabState(state),
    inLabHome: ws.inLabHome,
    files: [ws.composeFile, cfgFile, ws.envFile, ws.stateFile, ws.markerFile].map(rel),
    folders: createdHaproxy ? [rel(dirname(ws.haproxyCfg))] : [],
    ...(student ? { student: [rel(ws.haproxyCfg)] } : {}),
  });
  await atomicWrite(ws.markerFile, renderMarker(next), SHARED);
  const cfg = student
    ? renderLabCfg(readLabCfgTemplate(), loaded.lab, options, existing ?? (await copyStarter(student, ws.haproxyCfg)))
    : renderHaproxyCfg(loaded.lab, options);
  // A remote engine cannot bind-mount ./haproxy from this machine: the config goes inline.
  const compose = renderCompose({
    lab: loaded.lab,
    options,
    workspace: ws.dir,
    builds: loaded.builds,
    inlineHaproxyCfg: remote ? cfg : undefined,
  });
  const record: WorkspaceState = {
    lab: loaded.lab.id,
    labFile: loaded.file,
    options,
    ...(student ? { studentConfig: ws.haproxyCfg } : {}),
  };
  await Promise.all([
    atomicWrite(ws.composeFile, compose, SHARED),
    atomicWrite(cfgFile, cfg, SHARED),
    atomicWrite(ws.envFile, renderHaproxyEnv(options), PRIVATE),
    atomicWrite(ws.stateFile, `${JSON.stringify(record, null, 2)}\n`, PRIVATE),
  ]);
  return { cfgChanged: previous !== undefined && previous !== cfg, configId: configIdOf(cfg) ?? '' };
}

/**
 * lab apply: rewrite 00-lab.cfg for the student's current file (its id covers that file).
 * Returns the new id, and the text it replaced so a failed reload can put it back.
 */
export async function writeLabCfg(
  ws: Workspace,
  loaded: LoadedLab,
  options: RenderOptions,
  student: string,
): Promise<{ configId: string; previous?: string }> {
  const previous = await readFile(ws.labCfg, 'utf8').catch(() => undefined);
  const labCfg = renderLabCfg(readLabCfgTemplate(), loaded.lab, options, student);
  await atomicWrite(ws.labCfg, labCfg, SHARED);
  return { configId: configIdOf(labCfg) ?? '', previous };
}

export const restoreLabCfg = (ws: Workspace, text: string): Promise<void> => atomicWrite(ws.labCfg, text, SHARED);

/** The student's first haproxy.cfg. 'wx': a file that appeared meanwhile is theirs and stays. */
async function copyStarter(starter: string, target: string): Promise<string> {
  const text = await readFile(starter, 'utf8');
  await writeFile(target, text, { mode: SHARED, flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  return readFile(target, 'utf8');
}

export async function readState(ws: Workspace): Promise<WorkspaceState | undefined> {
  try {
    const state = JSON.parse(await readFile(ws.stateFile, 'utf8')) as WorkspaceState;
    // Written before --stats-admin existed: admin was on, except that it now follows --expose.
    state.options = { ...state.options, statsAdmin: state.options.statsAdmin ?? !state.options.expose };
    return state;
  } catch {
    return undefined;
  }
}

/**
 * Where a running project was rendered (its HAProxy's lab.workspace label, so a --workspace
 * given at up time is found again) and the options recorded there; no state when it is gone.
 */
export async function projectWorkspace(
  ctx: Pick<Context, 'env'>,
  project: string,
  haproxy: Pick<LabContainer, 'workspace'>,
): Promise<{ ws: Workspace; state?: WorkspaceState }> {
  const ws = resolveWorkspace(ctx.env, project, haproxy.workspace || undefined);
  return { ws, state: await readState(ws) };
}

/** Make a folder with this mode (the umask must not narrow it); false when it already existed. */
export async function makeFolder(dir: string, mode: number, parents = false): Promise<boolean> {
  if (parents) await mkdir(dirname(dir), { recursive: true });
  try {
    await mkdir(dir, { mode });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  await chmod(dir, mode);
  return true;
}

/** Write through a temporary file and rename, so HAProxy or compose never read half a file. */
export async function atomicWrite(file: string, text: string, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode);
  await rename(tmp, file);
}
