import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { labHome } from '../config/lab-home.ts';
import type { Context } from './context.ts';
import { EXIT, ExitError, LabError, mostSevere, UsageError } from '../core/errors.ts';
import { fleetHeadline, fleetJson, renderFleetTable, type HostResult } from '../core/instructor/fleet-report.ts';
import { hostSlug, parseHostsFile, type HostEntry } from '../core/instructor/hosts-file.ts';
import { mapBounded } from '../core/pool.ts';
import { plainColors } from '../ui/colors.ts';
import { Output, type Writer } from '../ui/output.ts';

/** Engines worked on at once: enough for a classroom, few enough for one ssh-agent and one CPU. */
export const FLEET_CONCURRENCY = 8;

/**
 * Run one command on every engine of a hosts file, in parallel, each with its own Context (its
 * --host, its own LAB_HOME/hosts/<host>, and an Output that buffers what it prints), then print
 * one table, or with --json one object holding every host's own JSON. Docker's own remote access (ssh://, tcp://)
 * reaches the engines; there is no agent of lab's own. Fails with the most severe exit code
 * of the hosts.
 */
export async function runOnHosts(ctx: Context, file: string, run: (c: Context) => Promise<void>): Promise<void> {
  const results = await runOnEveryHost(ctx, file, run);
  const exitCode = mostSevere(results.map((r) => r.exitCode));
  const { out } = ctx;
  out.data(fleetJson(results));
  if (out.verbose && !out.json) {
    for (const r of results)
      out.result(
        `${out.c.bold(`── ${r.entry.name} (${r.entry.host})`)}\n${r.stdout.trimEnd()}\n${out.c.dim(r.stderr.trimEnd())}\n`,
      );
  }
  out.result(renderFleetTable(results, out.c));
  for (const r of results.filter((x) => x.error?.hint)) out.result(out.c.dim(`${r.entry.name}: ${r.error!.hint}`));
  if (exitCode !== EXIT.ok) {
    const e = new LabError(fleetHeadline(results), exitCode, {
      hint: 'Run the command on one host with --host <address> (add --verbose) to see all of its output',
    });
    throw out.json ? new ExitError(e) : e;
  }
  out.result(out.c.green(fleetHeadline(results)));
}

/**
 * The fleet's engine room: run a command on every engine of a hosts file, at most
 * FLEET_CONCURRENCY at once, and return how each run ended, in the file's order. `json`: each
 * host's command prints its JSON object (what a caller that reads the results needs), whatever
 * --json says.
 */
export async function runOnEveryHost(
  ctx: Context,
  file: string,
  run: (c: Context) => Promise<void>,
  json = ctx.out.json,
): Promise<HostResult[]> {
  if (ctx.host)
    throw new UsageError('--host and --hosts cannot be used together', {
      hint: 'Put the host in the hosts file, or drop --hosts',
    });
  const hosts = parseHostsFile(await readHostsFile(resolve(ctx.cwd, file), file), file);
  const progress = ctx.out.step(
    `Running on ${hosts.length} host(s), ${Math.min(hosts.length, FLEET_CONCURRENCY)} at a time`,
  );
  let done = 0;
  const results = await mapBounded(hosts, FLEET_CONCURRENCY, async (entry) => {
    const r = await runOnHost(ctx, entry, run, json);
    progress.update(`${++done}/${hosts.length} host(s) done (last: ${entry.name}, exit ${r.exitCode})`);
    return r;
  });
  if (mostSevere(results.map((r) => r.exitCode)) === EXIT.ok) progress.succeed(`${hosts.length} host(s) done`);
  else progress.fail(`${hosts.length} host(s) done`);
  return results;
}

async function readHostsFile(path: string, shown: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new UsageError(`Cannot read hosts file ${shown}: ${why}`, {
      hint: 'One Docker host per line, e.g.  pc01 ssh://student@pc01',
    });
  }
}

/** Capture what a command writes; never a terminal, so no spinners and no prompts. */
class Buffered implements Writer {
  text = '';
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

async function runOnHost(
  ctx: Context,
  entry: HostEntry,
  run: (c: Context) => Promise<void>,
  json: boolean,
): Promise<HostResult> {
  const stdout = new Buffered();
  const stderr = new Buffered();
  const out = new Output(stdout, stderr, plainColors, json, ctx.out.verbose);
  const t0 = performance.now();
  let exitCode: HostResult['exitCode'] = EXIT.ok;
  let error: HostResult['error'];
  try {
    // Hosts run at once and usually with the same project name: each gets its own workspaces
    // under LAB_HOME/hosts/<host>. Locks stay in the main LAB_HOME, keyed by engine, so a host
    // listed twice, or also used without --hosts, is locked once.
    const env = { ...ctx.env, LAB_HOME: join(labHome(ctx.env), 'hosts', hostSlug(entry.host)) };
    await run({ ...ctx, env, out, host: entry.host, lockHome: ctx.lockHome ?? labHome(ctx.env) });
  } catch (e) {
    const labError = e instanceof LabError ? e : undefined;
    exitCode = labError?.exitCode ?? (ctx.signal.aborted ? EXIT.interrupted : EXIT.internal);
    const message = e instanceof Error ? e.message : String(e);
    error = { kind: labError?.name ?? 'Error', message, hint: labError?.hint, details: labError?.details ?? [] };
  }
  return { entry, exitCode, ms: performance.now() - t0, stdout: stdout.text, stderr: stderr.text, error };
}
