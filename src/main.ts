import { readFileSync } from 'node:fs';
import { CommanderError } from '@commander-js/extra-typings';
import { buildProgram, type GlobalOptions } from './cli/program.ts';
import type { Context } from './cli/context.ts';
import { EnvironmentError, EXIT, ExitError, LabError } from './core/errors.ts';
import { fileSystemError } from './cli/fs-errors.ts';
import { colorsEnabled, makeColors } from './ui/colors.ts';
import { Output } from './ui/output.ts';

/**
 * The CLI proper, loaded by index.ts, and the only place that decides exit codes: commands throw LabErrors (or
 * return), this module prints them as text or JSON and sets process.exitCode.
 */
async function main(argv: string[]): Promise<number> {
  const args = argv.slice(2);
  const json = args.includes('--json');
  // A reader that goes away (`lab test 03 2>&1 | head`) closes the pipe: lab stops writing to
  // it and stops the running command as Ctrl-C does, so the command undoes what it started (a
  // replica a drill stopped, the lab a test brought up) rather than the process dying mid-way.
  const closed = new Set<NodeJS.WriteStream>();
  let running = true;
  const guarded = (stream: NodeJS.WriteStream) => ({
    isTTY: stream.isTTY,
    write: (text: string) => closed.has(stream) || stream.write(text),
  });
  const out = new Output(
    guarded(process.stdout),
    guarded(process.stderr),
    makeColors(colorsEnabled(process.env, args, Boolean(process.stdout.isTTY || process.stderr.isTTY))),
    json,
    args.includes('--verbose') || args.includes('-v'),
  );
  const abort = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    // The first Ctrl-C lets the running command stop its child processes and clean up;
    // a second one exits at once.
    if (++interrupts > 1) process.exit(EXIT.interrupted);
    out.info(out.c.yellow('Interrupted: stopping (press Ctrl-C again to quit at once)'));
    abort.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
      closed.add(stream);
      if (!running || abort.signal.aborted) return;
      out.info(out.c.yellow('The output was closed: stopping'));
      abort.abort(new Error('output closed'));
    });
  }
  const ctx = (globals: GlobalOptions): Context => ({
    out,
    env: process.env,
    cwd: process.cwd(),
    signal: abort.signal,
    host: globals.host,
  });
  const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
  const program = buildProgram(ctx, version);
  try {
    await program.parseAsync(argv);
    return abort.signal.aborted ? EXIT.interrupted : EXIT.ok;
  } catch (error) {
    return report(error, out, abort.signal.aborted);
  } finally {
    running = false;
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

/**
 * A connection to the engine that broke mid-command (a daemon that stopped, an ssh:// link that
 * dropped) surfaces from dockerode as a plain Error without an HTTP status: an environment
 * problem, not a bug of lab's.
 */
function lostEngine(error: unknown): LabError | undefined {
  const e = error as { statusCode?: number; code?: string; message?: string; path?: string };
  const text = `${e?.code ?? ''} ${e?.message ?? ''}`;
  // A file system error carries the path it is about: lab's own files, not the engine.
  if (
    e?.statusCode !== undefined ||
    e?.path !== undefined ||
    !/ECONNRESET|ECONNREFUSED|EPIPE|ENOENT|socket hang up|handshake|Connection lost|Timed out while waiting/i.test(text)
  )
    return undefined;
  return new EnvironmentError(`The connection to the Docker engine was lost: ${e.message ?? e.code}`, {
    hint: 'Check the engine with lab doctor (add --host for a remote one); over ssh://, check sshd and your ssh-agent, then run the command again',
  });
}

function report(error: unknown, out: Output, interrupted: boolean): number {
  if (error instanceof CommanderError) {
    // Commander has printed its own message (and help for `lab help`); map its exit code.
    if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
      return EXIT.ok;
    if (out.json)
      out.data({ outcome: 'error', exitCode: EXIT.usage, error: { message: error.message.replace(/^error: /, '') } });
    return EXIT.usage;
  }
  const labError =
    error instanceof LabError
      ? error
      : interrupted
        ? new LabError('Interrupted', EXIT.interrupted)
        : (fileSystemError(error, process.env) ??
          lostEngine(error) ??
          new LabError(`Unexpected error: ${error instanceof Error ? error.message : String(error)}`, EXIT.internal, {
            hint: 'This is a bug in lab. Run again with --verbose and report the output.',
            details:
              process.env.LAB_DEBUG && error instanceof Error && error.stack ? error.stack.split('\n').slice(1) : [],
          }));
  if (labError instanceof ExitError) return labError.exitCode;
  if (out.json) {
    out.data({
      outcome: 'error',
      exitCode: labError.exitCode,
      error: { kind: labError.name, message: labError.message, hint: labError.hint, details: labError.details },
    });
  } else {
    out.info(`${out.c.red('✖')} ${labError.message}`);
    for (const line of labError.details) out.info(`  ${line}`);
    if (labError.hint) out.info(out.c.dim(labError.hint));
  }
  return labError.exitCode;
}

process.exitCode = await main(process.argv);
