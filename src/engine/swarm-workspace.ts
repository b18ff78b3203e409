import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { LoadedLab } from '../config/labs.ts';
import { UsageError } from '../core/errors.ts';
import type { RenderOptions } from '../core/options.ts';
import { renderHaproxyCfg } from '../core/render-haproxy.ts';
import { renderHaproxyEnv } from '../core/render-secrets.ts';
import { renderStack } from '../core/render-stack.ts';
import { isLabState, nextMarker, parseMarker, renderMarker } from '../core/workspace-files.ts';
import { atomicWrite, makeFolder, type Workspace, type WorkspaceState } from './workspace.ts';

/** The stack file lab writes beside compose.yaml's place in a workspace. */
const STACK_FILE = 'stack.yml';
const stackFile = (ws: Workspace): string => join(ws.dir, STACK_FILE);

/** What a swarm workspace records, beside the usual state: where the lab runs. */
export interface SwarmState extends WorkspaceState {
  target: 'swarm';
  zoneLabel: string;
}

/**
 * Write a lab's files for Docker Swarm: stack.yml, haproxy/haproxy.cfg (read by `docker stack
 * deploy` into a Swarm config), haproxy.env (0600) and lab.json, each named in the marker
 * first, as for compose, so `lab reset` deletes them and nothing else.
 */
export async function writeSwarmWorkspace(
  ws: Workspace,
  loaded: LoadedLab,
  options: RenderOptions,
  zoneLabel: string,
): Promise<{ file: string }> {
  if (loaded.starter) {
    throw new UsageError(
      `Lab ${loaded.lab.id} has the student edit haproxy.cfg on this machine, which --target swarm does not support`,
      { hint: `Run it on one engine: lab up ${loaded.lab.id}` },
    );
  }
  const cfg = renderHaproxyCfg(loaded.lab, options, 'swarm');
  // Pure, and it refuses what Swarm cannot do (auto ports) before anything is written.
  const stack = renderStack({
    lab: loaded.lab,
    options,
    workspace: ws.dir,
    haproxyCfg: cfg,
    zoneLabel,
    builds: loaded.builds,
  });
  const file = stackFile(ws);
  const [marker, state] = await Promise.all(
    [ws.markerFile, ws.stateFile].map((f) => readFile(f, 'utf8').catch(() => undefined)),
  );
  const createdFolder = await makeFolder(ws.dir, 0o700, true);
  const createdHaproxy = await makeFolder(dirname(ws.haproxyCfg), 0o755);
  const rel = (f: string) => relative(ws.dir, f);
  const next = nextMarker(parseMarker(marker), {
    createdFolder,
    legacyState: isLabState(state),
    inLabHome: ws.inLabHome,
    files: [file, ws.haproxyCfg, ws.envFile, ws.stateFile, ws.markerFile].map(rel),
    folders: createdHaproxy ? [rel(dirname(ws.haproxyCfg))] : [],
  });
  await atomicWrite(ws.markerFile, renderMarker(next), 0o644);
  const record: SwarmState = { lab: loaded.lab.id, labFile: loaded.file, options, target: 'swarm', zoneLabel };
  await Promise.all([
    atomicWrite(file, stack, 0o644),
    atomicWrite(ws.haproxyCfg, cfg, 0o644),
    atomicWrite(ws.envFile, renderHaproxyEnv(options), 0o600),
    atomicWrite(ws.stateFile, `${JSON.stringify(record, null, 2)}\n`, 0o600),
  ]);
  return { file };
}
