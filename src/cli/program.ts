import { type Command, type CommandUnknownOpts, Command as Program } from '@commander-js/extra-typings';
import { applyCommand } from '../commands/apply.command.ts';
import { chaosCommand } from '../commands/chaos.command.ts';
import { checkCommand } from '../commands/check.command.ts';
import { doctorCommand } from '../commands/doctor.command.ts';
import { gradeCommand } from '../commands/grade.command.ts';
import { hintCommand } from '../commands/hint.command.ts';
import { quizCommand } from '../commands/quiz.command.ts';
import { tasksCommand } from '../commands/tasks.command.ts';
import { faultCommand } from '../commands/fault.command.ts';
import { loadCommand } from '../commands/load.command.ts';
import { rolloutCommand } from '../commands/rollout.command.ts';
import { downCommand } from '../commands/down.command.ts';
import { listCommand } from '../commands/list.command.ts';
import { logsCommand } from '../commands/logs.command.ts';
import { newCommand } from '../commands/new.command.ts';
import { prepareCommand } from '../commands/prepare.command.ts';
import { renderCommand } from '../commands/render.command.ts';
import { reportCommand } from '../commands/report.command.ts';
import { resetCommand } from '../commands/reset.command.ts';
import { scaleCommand } from '../commands/scale.command.ts';
import { schemaCommand } from '../commands/schema.command.ts';
import { solveCommand } from '../commands/solve.command.ts';
import { showCommand } from '../commands/show.command.ts';
import { statusCommand } from '../commands/status.command.ts';
import { topCommand } from '../commands/top.command.ts';
import { testCommand } from '../commands/test.command.ts';
import { upCommand } from '../commands/up.command.ts';
import { validateCommand } from '../commands/validate.command.ts';
import { UsageError } from '../core/errors.ts';
import type { Context, LabRunner } from './context.ts';
import type { OptionsOf } from './options.ts';

const labCommand = (version = '') =>
  new Program('lab')
    .description(
      'Run hands-on scaling and high-availability labs: app replicas behind HAProxy on a real Docker engine.',
    )
    .version(version, '-V, --version')
    .option('--json', 'print one JSON object on stdout instead of text')
    // Declared so commander accepts them; colors.ts reads them (chalk sniffs argv too).
    .option('--no-color', 'no colors (NO_COLOR is honoured too)')
    .option('--color', 'force colors')
    .option('-v, --verbose', 'show the docker commands lab runs and their output')
    .option(
      '-H, --host <url>',
      'Docker engine to use: unix://, tcp:// or ssh://user@host (default: DOCKER_HOST, then the docker context)',
    )
    .option(
      '--hosts <file>',
      'run on every Docker engine listed in the file, one per line (reset, prepare, doctor, status, up, down, grade)',
    );

/** Options every command accepts (before or after the command name). */
export type GlobalOptions = OptionsOf<typeof labCommand>;

/**
 * The command registry: each command declares its arguments and options in commands/<name>.command.ts,
 * and its action here imports commands/<name>.ts only when it runs, so `lab --help` never loads
 * Docker or HTTP code.
 */
export function buildProgram(makeContext: (globals: GlobalOptions) => Context, version: string) {
  const program = labCommand(version).addHelpText('after', EXIT_CODES);
  const ctx = (): Context => makeContext(program.opts());
  /** Commands an instructor runs on a room of machines: with --hosts, on every engine of the file at once. */
  const fleetable = async (run: (c: Context) => Promise<void>): Promise<void> => {
    const c = ctx();
    const { hosts } = program.opts();
    if (hosts) return (await import('./fleet.ts')).runOnHosts(c, hosts, run);
    return run(c);
  };
  /** lab solve and lab test run solutions' lab commands in-process, through this same registry (never by spawning lab). */
  const runLab: LabRunner = async (c, argv) =>
    void (await buildProgram(() => c, version).parseAsync([...argv], { from: 'user' }));
  const add = <C extends Command<unknown[], Record<string, unknown>>>(cmd: C): C => {
    program.addCommand(cmd);
    return cmd;
  };
  add(listCommand()).action(async (opts) => (await import('../commands/list.ts')).list(ctx(), opts));
  add(showCommand()).action(async (lab, opts) => (await import('../commands/show.ts')).show(ctx(), { lab, ...opts }));
  add(validateCommand()).action(async (paths) => (await import('../commands/validate.ts')).validate(ctx(), { paths }));
  add(renderCommand()).action(async (lab, opts) =>
    (await import('../commands/render.ts')).render(ctx(), { lab, ...opts }),
  );
  add(newCommand()).action(async (id, opts) => (await import('../commands/new.ts')).newLab(ctx(), { id, ...opts }));
  add(schemaCommand()).action(async (opts) => (await import('../commands/schema.ts')).schema(ctx(), opts));
  add(upCommand()).action((lab, opts) =>
    fleetable(async (c) => (await import('../commands/up.ts')).up(c, { lab, ...opts })),
  );
  add(downCommand()).action((lab, opts) =>
    fleetable(async (c) => (await import('../commands/down.ts')).down(c, { lab, ...opts })),
  );
  add(statusCommand()).action((lab, opts) =>
    fleetable(async (c) => (await import('../commands/status.ts')).status(c, { lab, ...opts })),
  );
  add(scaleCommand()).action(async (lab, replicas, opts) =>
    (await import('../commands/scale.ts')).scale(ctx(), { lab, replicas, ...opts }),
  );
  add(logsCommand()).action(async (lab, service, opts) =>
    (await import('../commands/logs.ts')).logs(ctx(), { lab, service, ...opts }),
  );
  add(applyCommand()).action(async (lab, opts) =>
    (await import('../commands/apply.ts')).apply(ctx(), { lab, ...opts }),
  );
  add(faultCommand()).action(async (lab, target, spec, opts) =>
    (await import('../commands/fault.ts')).fault(ctx(), { lab, target, spec, ...opts }),
  );
  add(loadCommand()).action(async (lab, opts) => (await import('../commands/load.ts')).load(ctx(), { lab, ...opts }));
  add(chaosCommand()).action(async (lab, opts) =>
    (await import('../commands/chaos.ts')).chaos(ctx(), { lab, ...opts }),
  );
  add(rolloutCommand()).action(async (lab, service, opts) =>
    (await import('../commands/rollout.ts')).rollout(ctx(), { lab, service, ...opts }),
  );
  add(topCommand()).action(async (lab, opts) => (await import('../commands/top.ts')).top(ctx(), { lab, ...opts }));
  add(checkCommand()).action(async (lab, opts) =>
    (await import('../commands/check.ts')).check(ctx(), { lab, ...opts }),
  );
  add(reportCommand()).action(async (lab, opts) =>
    (await import('../commands/report.ts')).report(ctx(), { lab, ...opts }),
  );
  add(gradeCommand()).action(async (lab, opts) => {
    const grade = async (c: Context) => (await import('../commands/grade.ts')).grade(c, { lab, ...opts });
    const { hosts } = program.opts();
    if (hosts) return (await import('./class-grade.ts')).gradeClass(ctx(), hosts, { lab, ...opts }, grade);
    if (opts.html)
      throw new UsageError('--html on lab grade writes the class view: add --hosts <file>', {
        hint: `For one machine's report: lab report ${lab} --html ${opts.html}`,
      });
    if (opts.csv)
      throw new UsageError('--csv writes a class grade: add --hosts <file>', {
        hint: `For one machine use --json or --junit <file>; for a room: lab --hosts room.txt grade ${lab} --csv ${opts.csv}`,
      });
    return grade(ctx());
  });
  add(tasksCommand()).action(async (lab, opts) =>
    (await import('../commands/tasks.ts')).tasks(ctx(), { lab, ...opts }),
  );
  add(hintCommand()).action(async (lab, task, opts) =>
    (await import('../commands/hint.ts')).hint(ctx(), { lab, task, ...opts }),
  );
  add(quizCommand()).action(async (lab, opts) => (await import('../commands/quiz.ts')).quiz(ctx(), { lab, ...opts }));
  add(solveCommand()).action(async (lab, task, opts) =>
    (await import('../commands/solve.ts')).solve(ctx(), { lab, task, ...opts }, runLab),
  );
  add(testCommand()).action(async (labs, opts) =>
    (await import('../commands/test.ts')).test(ctx(), { labs, ...opts }, runLab),
  );
  add(resetCommand()).action((opts) => fleetable(async (c) => (await import('../commands/reset.ts')).reset(c, opts)));
  add(prepareCommand()).action((labs, opts) =>
    fleetable(async (c) => (await import('../commands/prepare.ts')).prepare(c, { labs, ...opts })),
  );
  add(doctorCommand()).action((opts) =>
    fleetable(async (c) => (await import('../commands/doctor.ts')).doctor(c, opts)),
  );
  for (const cmd of [program, ...program.commands]) reportCommandLineErrors(cmd as CommandUnknownOpts);
  return program;
}

/**
 * Commander's own errors (unknown option, missing argument, a value outside its choices) become
 * UsageErrors, so main.ts prints them like every other error (exit 2, JSON under --json) with
 * the command's help as the next step. Commander copies exitOverride to subcommands only when
 * they are created, hence one call per command here, after all are added.
 */
function reportCommandLineErrors(cmd: CommandUnknownOpts): void {
  const name = cmd.parent ? `lab ${cmd.name()}` : 'lab';
  cmd.configureOutput({ outputError: () => undefined }).exitOverride((err) => {
    if (
      err.exitCode === 0 ||
      err.code === 'commander.help' ||
      err.code === 'commander.helpDisplayed' ||
      err.code === 'commander.version'
    )
      throw err;
    const [first = err.message, ...more] = err.message.replace(/^error: /, '').split('\n');
    throw new UsageError(first.replace(/\.$/, ''), {
      hint: `${more.map((l) => `${l.replace(/^\((.*)\)$/, '$1')} `).join('')}Run "${name} --help" for usage`,
      cause: err,
    });
  });
}

const EXIT_CODES = `
Exit codes:
  0    success
  1    a check failed (the lab ran but did not behave as expected)
  2    usage error or invalid lab file (nothing was started or deleted)
  3    environment error (no Docker engine, no Compose v2, a port taken, a lab busy, a --target swarm engine that is no swarm manager)
  4    the lab did not become ready, or a Docker operation failed
  70   a bug in lab (please report it, with the output of --verbose)
  130  interrupted (Ctrl-C, or the output closed while the command ran)`;
