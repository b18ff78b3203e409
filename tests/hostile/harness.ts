/**
 * A table runner for hostile inputs: each case runs the real binary (node dist/index.js) with
 * bad arguments, environment or files and asserts what a careful user expects of a refusal:
 * the exit code, a message that names the cause, no stack trace, one JSON object under --json,
 * and nothing started or deleted (Docker objects, and the files under LAB_HOME and the case's
 * own folder, compared before and after).
 *
 * Cases run in parallel (a small pool of processes); the Docker snapshot is taken once around
 * the whole table. The engine is shared with other tests, so the Docker diff is restricted to
 * objects of the suite's own projects (the -p values of its cases and the default projects it
 * declares) and to images named by its lab files.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, docker, requireDocker, runLab, type LabResult } from '../e2e/helpers.ts';

/** Text in args, env values and file contents: `{dir}` is replaced by the case's folder. */
type Templated<T> = T | ((dir: string) => T);

export interface HostileCase {
  /** What the case tries, e.g. "--replicas 0". */
  name: string;
  args: Templated<string[]>;
  /** Extra environment (on top of labEnv, with LAB_HOME={dir}/home); undefined removes a variable. */
  env?: Templated<Record<string, string | undefined>>;
  /** Files to create under the case's folder, by relative path. */
  files?: Templated<Record<string, string | Buffer>>;
  /** More preparation (e.g. a read-only bind mount); returns its undo, run after the case. */
  setup?: (dir: string) => (() => void) | void;
  /** Expected exit code. */
  exit: number;
  /** What stdout+stderr must contain: the cause, in words a user can act on. */
  message: RegExp;
  /** Needs a Docker engine (skipped, visibly, without one). */
  docker?: boolean;
  /** Milliseconds before the process is killed (default 30 s). */
  timeout?: number;
}

export interface TableOptions {
  /** Processes at once (default 4: the machine has 2 cores and is shared). */
  concurrency?: number;
  /** Compose projects the cases could create besides their -p values, e.g. lab-03-load-balancing. */
  projects?: string[];
  /** Image names (repository:tag) the suite's lab files use; new images of these names fail the table. */
  images?: string[];
}

const fill = (text: string, dir: string) => text.replaceAll('{dir}', dir);
const resolveT = <T>(v: Templated<T> | undefined, dir: string): T | undefined =>
  typeof v === 'function' ? (v as (d: string) => T)(dir) : v;

/** A stack frame as Node prints it, or lab's message for a bug. */
const STACK = /^\s{4}at .+\(?.*:\d+:\d+\)?$/m;

// ---------------------------------------------------------------------------------------------
// Snapshots.

/** Every entry under a folder: type, size, mode and mtime, by path. Missing folders are empty. */
function fileTree(root: string): Map<string, string> {
  const tree = new Map<string, string>();
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      const s = lstatSync(path);
      const kind = s.isDirectory() ? 'dir' : s.isSymbolicLink() ? `link->${readlinkSync(path)}` : 'file';
      tree.set(
        path,
        `${kind} ${s.isDirectory() ? '' : s.size} ${(s.mode & 0o7777).toString(8)} ${s.isDirectory() ? '' : s.mtimeMs}`,
      );
      if (s.isDirectory()) walk(path);
    }
  };
  try {
    const s = lstatSync(root);
    tree.set(root, s.isDirectory() ? 'dir' : `file ${s.size} ${s.mtimeMs}`);
    if (s.isDirectory()) walk(root);
  } catch {
    /* absent: an empty tree */
  }
  return tree;
}

function treeDiff(before: Map<string, string>, after: Map<string, string>): string[] {
  const diff: string[] = [];
  for (const [p, v] of before)
    if (!after.has(p)) diff.push(`deleted ${p}`);
    else if (after.get(p) !== v) diff.push(`changed ${p} (${v} -> ${after.get(p)})`);
  for (const p of after.keys()) if (!before.has(p)) diff.push(`created ${p}`);
  return diff;
}

interface DockerObject {
  kind: 'container' | 'network' | 'volume' | 'image';
  id: string;
  /** Compose or lab project; for images, repository:tag. */
  owner: string;
}

/** One `ps -aq` / `network ls -q` / `volume ls -q` / `images -q` of the engine, with each object's project. */
async function dockerSnapshot(): Promise<DockerObject[]> {
  const project = '{{.Label "com.docker.compose.project"}}|{{.Label "lab.project"}}';
  const [c, n, v, i] = await Promise.all([
    docker(['ps', '-a', '--no-trunc', '--format', `{{.ID}} ${project}`]),
    docker(['network', 'ls', '--no-trunc', '--format', `{{.ID}} ${project}`]),
    docker(['volume', 'ls', '--format', `{{.Name}} ${project}`]),
    docker(['images', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}']),
  ]);
  for (const r of [c, n, v, i]) if (r.exitCode !== 0) throw new Error(`docker CLI failed: ${r.stderr}`);
  const parse = (kind: DockerObject['kind'], text: string): DockerObject[] =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [id = '', owner = ''] = line.split(' ');
        return { kind, id, owner };
      });
  return [
    ...parse('container', c.stdout),
    ...parse('network', n.stdout),
    ...parse('volume', v.stdout),
    ...parse('image', i.stdout),
  ];
}

/** Objects started or deleted between two snapshots, among those the suite could have made. */
function dockerDiff(
  before: DockerObject[],
  after: DockerObject[],
  projects: Set<string>,
  images: Set<string>,
): string[] {
  const mine = (o: DockerObject) =>
    o.kind === 'image' ? images.has(o.owner) : o.owner.split('|').some((p) => projects.has(p));
  const key = (o: DockerObject) => `${o.kind} ${o.id} ${o.owner}`;
  const was = new Set(before.map(key));
  const is = new Set(after.map(key));
  return [
    ...after.filter((o) => mine(o) && !was.has(key(o))).map((o) => `started ${key(o)}`),
    ...before.filter((o) => mine(o) && !is.has(key(o))).map((o) => `deleted ${key(o)}`),
  ];
}

/** Backstop: remove the containers, networks and volumes a diff lists as started (images stay). */
async function removeStarted(diff: string[]): Promise<void> {
  const started = (kind: string) => diff.filter((d) => d.startsWith(`started ${kind} `)).map((d) => d.split(' ')[2]!);
  const containers = started('container');
  if (containers.length) await docker(['rm', '-f', '-v', ...containers]);
  const networks = started('network');
  if (networks.length) await docker(['network', 'rm', ...networks]);
  const volumes = started('volume');
  if (volumes.length) await docker(['volume', 'rm', '-f', ...volumes]);
}

/** The values given to -p/--project in a command line. */
const projectsOf = (args: string[]): string[] =>
  args
    .flatMap((a, i) =>
      a === '-p' || a === '--project' ? [args[i + 1] ?? ''] : a.startsWith('--project=') ? [a.slice(10)] : [],
    )
    .filter(Boolean);

// ---------------------------------------------------------------------------------------------
// One case.

interface CaseRun {
  result: LabResult;
  fileChanges: string[];
}

/** Prepare a case's folder, run it, compare its files; the folder is removed afterwards. */
async function runCase(c: HostileCase): Promise<CaseRun> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-hostile-'));
  let undo: (() => void) | void = undefined;
  try {
    mkdirSync(join(dir, 'home'));
    for (const [rel, content] of Object.entries(resolveT(c.files, dir) ?? {})) {
      const path = join(dir, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, typeof content === 'string' ? fill(content, dir) : content);
    }
    undo = c.setup?.(dir);
    const args = (resolveT(c.args, dir) ?? []).map((a) => fill(a, dir));
    const env: Record<string, string | undefined> = { LAB_HOME: join(dir, 'home') };
    for (const [k, v] of Object.entries(resolveT(c.env, dir) ?? {}))
      env[k] = v === undefined ? undefined : fill(v, dir);
    const watched = [dir, ...(env.LAB_HOME && !env.LAB_HOME.startsWith(dir) ? [env.LAB_HOME] : [])];
    const before = watched.map(fileTree);
    const result = await runLab(args, { env, timeout: c.timeout ?? 30_000 });
    const fileChanges = watched.flatMap((root, i) => treeDiff(before[i]!, fileTree(root)));
    return { result, fileChanges };
  } finally {
    try {
      undo?.();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** The assertions every hostile case shares. */
function assertRefusal(c: HostileCase, run: CaseRun): void {
  const r = run.result;
  const all = `${r.stdout}\n${r.stderr}`;
  const context = `\n${describeRun(r)}`;
  expect(r.timedOut, `timed out${context}`).toBe(false);
  expect(r.exitCode, `exit code${context}`).toBe(c.exit);
  expect(all, `message should name the cause${context}`).toMatch(c.message);
  expect(all, `stack trace${context}`).not.toMatch(STACK);
  expect(all, `reported as a bug${context}`).not.toMatch(/Unexpected error|This is a bug in lab/);
  const args = r.command.split(' ');
  if (args.includes('--json')) {
    let parsed: { outcome?: string; exitCode?: number } | undefined;
    expect(() => (parsed = JSON.parse(r.stdout)), `stdout is not one JSON object${context}`).not.toThrow();
    if (c.exit !== 0) expect(parsed?.exitCode, `JSON exitCode${context}`).toBe(c.exit);
  } else if (c.exit === 2 || c.exit === 3) {
    // The same format as every other error: ✖ and the message on stderr, nothing on stdout.
    expect(r.stderr, `error format${context}`).toMatch(/✖ /);
    expect(r.stdout.trim(), `stdout should be empty${context}`).toBe('');
  }
  expect(run.fileChanges, `files changed${context}`).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// The table.

/** Run every case in a pool of `concurrency` processes, one test each, then the Docker diff. */
export function runTable(title: string, cases: HostileCase[], opts: TableOptions = {}): void {
  const engine = requireDocker();
  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`two hostile cases are named "${c.name}"`);
    names.add(c.name);
  }
  const projects = new Set([
    ...(opts.projects ?? []),
    ...cases.flatMap((c) => projectsOf(typeof c.args === 'function' ? c.args('/x') : c.args)),
  ]);
  const images = new Set(opts.images ?? []);
  let before: DockerObject[] | undefined;
  const runs = new Map<string, Promise<CaseRun>>();

  describe.sequential(title, () => {
    beforeAll(async () => {
      if (engine.ok) before = await dockerSnapshot();
      // Start every runnable case now, at most `concurrency` at a time; each test awaits its own.
      const queue = cases.filter((c) => engine.ok || !c.docker);
      let next = 0;
      const limit = opts.concurrency ?? 4;
      const gates: (() => void)[] = [];
      let running = 0;
      const slot = () =>
        running < limit
          ? (running++, Promise.resolve())
          : new Promise<void>((r) => gates.push(r)).then(() => void running++);
      const release = () => (running--, gates.shift()?.());
      for (; next < queue.length; next++) {
        const c = queue[next]!;
        const p = slot()
          .then(() => runCase(c))
          .finally(release);
        p.catch(() => undefined); // awaited by its test
        runs.set(c.name, p);
      }
    }, 30_000);
    afterAll(async () => {
      await Promise.allSettled(runs.values());
      // Also when the Docker test below was filtered out: a case that wrongly started a lab
      // leaves nothing behind.
      if (engine.ok && before) await removeStarted(dockerDiff(before, await dockerSnapshot(), projects, images));
    }, 300_000);

    for (const c of cases) {
      it.skipIf(c.docker && !engine.ok)(
        c.name,
        async () => {
          assertRefusal(c, await runs.get(c.name)!);
        },
        300_000,
      );
    }

    it.skipIf(!engine.ok)(
      'started or deleted nothing on the Docker engine',
      async () => {
        await Promise.allSettled(runs.values());
        expect(dockerDiff(before!, await dockerSnapshot(), projects, images)).toEqual([]);
      },
      120_000,
    );
  });
}

/** Undo-able read-only bind mount of a folder onto itself (root ignores mode bits; EROFS does not). */
export function readOnly(path: string): () => void {
  mkdirSync(path, { recursive: true });
  execFileSync('mount', ['--bind', '-o', 'ro', path, path]);
  return () => execFileSync('umount', [path]);
}
