import { Command } from '@commander-js/extra-typings';
import { htmlOption, projectOption } from '../cli/options.ts';
import { CHAOS_FAULTS, DEFAULT_CHAOS_SECONDS, MAX_CHAOS_SECONDS, MIN_CHAOS_SECONDS } from '../core/chaos-plan.ts';

/** lab chaos: its arguments, options and help. cli/program.ts registers it and loads chaos.ts only when it runs. */
export const chaosCommand = () =>
  new Command('chaos')
    .description(
      "a game day: break the lab's replicas at random (reproducibly, by seed) under load, and grade availability and p95 against the lab's SLO",
    )
    .argument('<lab>')
    .addOption(projectOption('compose project name'))
    .option(
      '--duration <seconds>',
      `seconds of load and faults, ${MIN_CHAOS_SECONDS} to ${MAX_CHAOS_SECONDS} (default ${DEFAULT_CHAOS_SECONDS})`,
    )
    .option('--seed <n>', 'the same seed gives the same faults at the same times (default: a random one, printed)')
    .option('--faults <list>', `the faults drawn from, comma-separated: ${CHAOS_FAULTS.join(',')} (default: all)`)
    .option('--rate <r>', 'requests per second in all (default 50)')
    .addOption(
      htmlOption(
        'also write a self-contained HTML report (requests per second and failures with the faults marked, per server, the configuration HAProxy ran) to this file',
      ),
    )
    .addHelpText(
      'after',
      `
The faults are lab fault's, one replica at a time: kill and pause (lab clears them), latency,
errors and hang (the app clears them itself). Every fault listed happens once before any
happens twice. The report: availability (the share of requests that succeeded) and p95 against
the lab's slo: (default availability 99.5%, p95 300 ms), the verdict, and the timeline of
faults and HAProxy's state changes. Ctrl-C stops the run and clears every fault it injected
(exit 130). Exit 0 when the run finished, whether or not the SLO held (the verdict is in the
report and in --json); lab grade grades it.

Examples:
  lab chaos 10 --duration 20 --seed 42
  lab chaos 10 --duration 60 --faults kill,hang --json`,
    );
