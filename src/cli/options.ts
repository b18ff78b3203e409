import { type Command, Option, type OptionValues } from '@commander-js/extra-typings';
import { ALGORITHMS, MAX_REPLICAS, MODES } from '../core/lab-constants.ts';

/**
 * Options several commands share, declared once so their flags and help cannot drift. Allowed
 * values come from the lab schema's own constants.
 */
export const projectOption = (what = 'compose project name (default: lab-<id>)') =>
  new Option('-p, --project <name>', what);
/** A repeatable option's values, one per occurrence (not variadic: `--image a=b 03` keeps 03 as the lab). */
const collect = (value: string, previous: string[]): string[] => [...previous, value];
export const imageOption = (what = 'use another image (repeatable; LAB_IMAGES too)') =>
  new Option('--image <from=to>', what).default([] as string[]).argParser(collect);
export const workspaceOption = (what: string) => new Option('-w, --workspace <dir>', what);
export const timeoutOption = (what: string, seconds: string) =>
  new Option('-t, --timeout <seconds>', what).default(seconds);
export const replicasHelp = `number of app replicas (1-${MAX_REPLICAS})`;

/** What a lab is rendered with: render and up take them all. */
export function withRenderOptions<Args extends unknown[], Opts extends OptionValues>(cmd: Command<Args, Opts>) {
  return (
    cmd
      .option('-n, --replicas <n>', replicasHelp)
      // Not .choices(): resolveOptions also takes least-response-time (as leastconn, with a warning).
      .option('-a, --algorithm <name>', ALGORITHMS.join(', '))
      // Not .choices() either: resolveOptions names the bad value and the allowed ones in lab's words.
      .option('-m, --mode <mode>', `${MODES.join(' (L7) or ')} (L4)`)
      .option('--sticky', 'sticky sessions by cookie (http mode)')
      .option('--no-sticky', 'no sticky sessions, whatever the lab says')
      .option('--app-port <port>', 'host port of the app, or "auto"')
      .option('--stats-port <port>', 'host port of the stats page, or "auto"')
      .option('--stats-user <user>', 'stats page user')
      .option('--stats-password <password>', 'stats page password')
      .option('--expose', 'publish on all interfaces, not just 127.0.0.1')
      .option(
        '--stats-admin',
        'let the stats page drain and stop servers under --expose too (always on without --expose)',
      )
      .addOption(projectOption())
      .addOption(
        imageOption('use another image, e.g. haproxy:3.0=mirror.local/haproxy:3.0 (repeatable; LAB_IMAGES too)'),
      )
  );
}

/** The option values of a command declaration, as commander's extra-typings infers them; optional, since code calls commands too (without commander's defaults). */
export type OptionsOf<Declare extends () => { opts(): OptionValues }> = Partial<
  ReturnType<ReturnType<Declare>['opts']>
>;

/** The language of text students read (titles, instructions, hints, quizzes); default from LAB_LANG, then the locale (core/localized.ts). */
export const langOption = () =>
  new Option(
    '--lang <lang>',
    'language of lab texts (default: LAB_LANG, else from LC_ALL, LC_MESSAGES or LANG, else en)',
  ).choices(['en', 'ja'] as const);

/** Where a lab runs: one engine through Compose (default), or a Docker Swarm whose manager lab talks to. */
export const targetOption = () =>
  new Option(
    '--target <target>',
    'where the lab runs: compose (one engine) or swarm (the swarm whose manager lab talks to)',
  )
    .choices(['compose', 'swarm'] as const)
    .default('compose' as const);
/** The node label a swarm lab spreads its replicas over. */
export const zoneLabelOption = () =>
  new Option('--zone-label <label>', "with --target swarm: the node label naming each node's zone").default('zone');
/** How lab reaches each swarm node's engine to copy images there (core/swarm-images.ts parseNodeHosts). */
export const nodeHostOption = (what = "to copy the lab's images there") =>
  new Option(
    '--node-host <node=host>',
    `with --target swarm: a node's docker host, ${what} (repeatable), or one for all nodes with {hostname} or {addr} in it, e.g. ssh://teacher@{addr}`,
  )
    .default([] as string[])
    .argParser(collect);
/** A self-contained HTML report of the run (cli/html-report.ts): check, load, report, grade --hosts. */
export const htmlOption = (
  what = 'also write a self-contained HTML report (charts, results, the configuration HAProxy ran) to this file',
) => new Option('--html <file>', what);
