import { Command, Option } from '@commander-js/extra-typings';
import type { Context, GlobalOptions } from './context.ts';
import { UsageError } from './errors.ts';

/**
 * The command registry: every command, its options and help, in one place. Each action imports
 * its command module only when it runs, so `lab --help` never loads Docker or HTTP code.
 */
export function buildProgram(makeContext: (globals: GlobalOptions) => Context, version: string) {
  const ctx = (): Context => makeContext(program.opts());
  /**
   * Commands an instructor runs on a room of machines: with --hosts, the fleet module runs
   * the command against every engine in the file at once and prints a table per host.
   */
  const fleetable =
    (run: (c: Context) => Promise<void>) =>
    async (): Promise<void> => {
      const c = ctx();
      const { hosts } = program.opts();
      if (hosts) return (await import('./fleet.ts')).runOnHosts(c, hosts, run);
      return run(c);
    };
  const program: Command<[], GlobalOptions> = new Command('lab')
    .description('Run hands-on scaling and high-availability labs: app replicas behind HAProxy on a real Docker engine.')
    .version(version, '-V, --version')
    .option('--json', 'print one JSON object on stdout instead of text')
    // Declared so commander accepts them; colors.ts reads them (chalk sniffs argv too).
    .option('--no-color', 'no colors (NO_COLOR is honoured too)')
    .option('--color', 'force colors')
    .option('-v, --verbose', 'show the docker commands lab runs and their output')
    .option('-H, --host <url>', 'Docker engine to use: unix://, tcp:// or ssh://user@host (default: DOCKER_HOST, then the docker context)')
    .option('--hosts <file>', 'run on every Docker engine listed in the file, one per line (reset, prepare, doctor, status, up, down)')
    .addHelpText('after', EXIT_CODES);

  const withRender = <T extends Command<[string], {}>>(cmd: T) =>
    cmd
      .option('-n, --replicas <n>', 'number of app replicas (1-100)')
      .option('-a, --algorithm <name>', 'roundrobin, static-rr, leastconn, source, random, first')
      .option('-m, --mode <mode>', 'http (L7) or tcp (L4)')
      .option('--sticky', 'sticky sessions by cookie (http mode)')
      .option('--no-sticky', 'no sticky sessions, whatever the lab says')
      .option('--app-port <port>', 'host port of the app, or "auto"')
      .option('--stats-port <port>', 'host port of the stats page, or "auto"')
      .option('--stats-user <user>', 'stats page user')
      .option('--stats-password <password>', 'stats page password')
      .option('--expose', 'publish on all interfaces, not just 127.0.0.1')
      .option('--stats-admin', "let the stats page drain and stop servers under --expose too (always on without --expose)")
      .option('-p, --project <name>', 'compose project name (default: lab-<id>)')
      .option('--image <from=to>', 'use another image, e.g. haproxy:3.0=mirror.local/haproxy:3.0 (repeatable; LAB_IMAGES too)', collect, []);

  program
    .command('list')
    .description('list the labs')
    .action(async () => (await import('./commands/list.ts')).list(ctx()));

  program
    .command('show')
    .description("show a lab's goals, defaults and checks")
    .argument('<lab>', 'lab id, e.g. 03, 3 or 03-load-balancing')
    .action(async (lab) => (await import('./commands/show.ts')).show(ctx(), { lab }));

  program
    .command('validate')
    .description('validate lab files (all labs when no path is given); every problem as file:line:col')
    .argument('[paths...]', 'lab.yaml files or folders that hold them')
    .action(async (paths) => (await import('./commands/validate.ts')).validate(ctx(), { paths }));

  withRender(program.command('render').description("write a lab's compose file and haproxy.cfg to its workspace").argument('<lab>'))
    .option('-w, --workspace <dir>', 'write here instead of $LAB_HOME/workspaces/<project>')
    .action(async (lab, opts) => (await import('./commands/render.ts')).render(ctx(), { lab, ...opts }));

  program
    .command('schema')
    .description('print the JSON Schema of lab files')
    .option('--write', 'write it to labs/lab.schema.json')
    .option('--check', 'fail if labs/lab.schema.json is stale')
    .action(async (opts) => (await import('./commands/schema.ts')).schema(ctx(), opts));

  withRender(program.command('up').description('start a lab and wait until HAProxy has every replica UP').argument('<lab>'))
    .option('-w, --workspace <dir>', 'workspace directory')
    .option('-t, --timeout <seconds>', 'how long to wait for readiness', '90')
    .addOption(new Option('--pull <policy>', 'when to pull images').choices(['missing', 'never', 'always'] as const).default('missing' as const))
    .action((lab, opts) => fleetable(async (c) => (await import('./commands/up.ts')).up(c, { lab, ...opts }))());

  program
    .command('down')
    .description('stop a lab and remove its containers, networks and volumes')
    .argument('<lab>')
    .option('-p, --project <name>', 'compose project name (default: lab-<id>)')
    .action((lab, opts) => fleetable(async (c) => (await import('./commands/down.ts')).down(c, { lab, ...opts }))());

  program
    .command('status')
    .description("running labs, or one lab's containers and HAProxy's view of its servers")
    .argument('[lab]')
    .option('-p, --project <name>', 'compose project name')
    .action((lab, opts) => fleetable(async (c) => (await import('./commands/status.ts')).status(c, { lab, ...opts }))());

  program
    .command('scale')
    .description('change the number of replicas of a running lab, live')
    .argument('<lab>')
    .argument('<replicas>', 'new number of replicas (1-100)')
    .option('-p, --project <name>', 'compose project name')
    .option('-t, --timeout <seconds>', 'how long to wait for the replicas to be UP', '60')
    .action(async (lab, replicas, opts) => (await import('./commands/scale.ts')).scale(ctx(), { lab, replicas, ...opts }));

  program
    .command('logs')
    .description("show a lab's logs")
    .argument('<lab>')
    .argument('[service]', 'app or haproxy')
    .option('-f, --follow', 'keep printing new lines')
    .option('--tail <n>', 'lines from the end of each container', '100')
    .option('-p, --project <name>', 'compose project name')
    .action(async (lab, service, opts) => (await import('./commands/logs.ts')).logs(ctx(), { lab, service, ...opts }));

  program
    .command('check')
    .description("prove a running lab works: the lab's checks, judged from HAProxy's stats")
    .argument('<lab>')
    .option('-p, --project <name>', 'compose project name')
    .option('--requests <n>', 'requests per distribution check (default: the lab\'s, else 300)')
    .option('--concurrency <n>', 'requests in flight at once (default: the lab\'s, else 4)')
    .option('--failover', 'also run the failover drill: stop a replica under load and watch HAProxy recover')
    .action(async (lab, opts) => (await import('./commands/check.ts')).check(ctx(), { lab, ...opts }));

  program
    .command('test')
    .description('smoke-test labs for CI: validate, up, check and down each one (isolated projects and ports)')
    .argument('[labs...]', 'lab ids (default: every lab)')
    .option('--junit <file>', 'write JUnit XML to this file')
    .option('--failover', 'also run the failover drill')
    .option('--requests <n>', 'requests per distribution check')
    .option('-t, --timeout <seconds>', 'readiness timeout per lab', '120')
    .option('--image <from=to>', 'use another image (repeatable; LAB_IMAGES too)', collect, [])
    .action(async (labs, opts) => (await import('./commands/test.ts')).test(ctx(), { labs, ...opts }));

  program
    .command('reset')
    .description("remove every lab container, network, volume and workspace (never anything lab didn't create)")
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('-y, --yes', 'do not ask (required when not on a terminal)')
    .option('--images', 'also remove the images the labs use')
    .action((opts) => fleetable(async (c) => (await import('./commands/reset.ts')).reset(c, opts))());

  program
    .command('prepare')
    .description('make sure every image the labs need is present; carry them to offline machines as a bundle')
    .argument('[labs...]', 'lab ids (default: every lab)')
    .option('--save <bundle.tar>', 'write the images and a manifest with checksums to a bundle')
    .option('--load <bundle.tar>', 'load a bundle, checking its manifest and checksums')
    .option('--image <from=to>', 'use another image (repeatable; LAB_IMAGES too)', collect, [])
    .action((labs, opts) => fleetable(async (c) => (await import('./commands/prepare.ts')).prepare(c, { labs, ...opts }))());

  program
    .command('doctor')
    .description('check this machine for running labs: engine, Compose, ports, images, disk, leftovers; each problem with its fix')
    .action(() => fleetable(async (c) => (await import('./commands/doctor.ts')).doctor(c))());

  for (const cmd of [program, ...program.commands]) reportCommandLineErrors(cmd as Command);
  return program;
}

/** A repeatable option's values, one per occurrence (not variadic: `--image a=b 03` keeps 03 as the lab). */
const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * Commander's own errors (unknown option, missing argument, a value outside its choices) become
 * UsageErrors, so main.ts prints them like every other error (exit 2, JSON under --json) with
 * the command's help as the next step. Commander copies exitOverride to subcommands only when
 * they are created, hence one call per command here, after all are added.
 */
function reportCommandLineErrors(cmd: Command): void {
  const name = cmd.parent ? `lab ${cmd.name()}` : 'lab';
  cmd.configureOutput({ outputError: () => undefined }).exitOverride((err) => {
    if (err.exitCode === 0 || err.code === 'commander.help' || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') throw err;
    const [first = err.message, ...more] = err.message.replace(/^error: /, '').split('\n');
    throw new UsageError(first.replace(/\.$/, ''), { hint: `${more.map((l) => `${l.replace(/^\((.*)\)$/, '$1')} `).join('')}Run "${name} --help" for usage`, cause: err });
  });
}

export const EXIT_CODES = `
Exit codes:
  0    success
  1    a check failed (the lab ran but did not behave as expected)
  2    usage error or invalid lab file (nothing was started or deleted)
  3    environment error (no Docker engine, no Compose v2, a port taken, a lab busy)
  4    the lab did not become ready, or a Docker operation failed
  130  interrupted (Ctrl-C)`;
