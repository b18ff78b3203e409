import { Command } from '@commander-js/extra-typings';
import { htmlOption, projectOption } from '../cli/options.ts';

/** lab load: its arguments, options and help. cli/program.ts registers it and loads load.ts only when it runs. */
export const loadCommand = () =>
  new Command('load')
    .description(
      "send traffic through a running lab's HAProxy, from its clients (or this machine without clients), and print what it saw",
    )
    .argument('<lab>')
    .addOption(projectOption('compose project name'))
    .option('--rate <r>', 'requests per second in all (default 20)')
    .option('--duration <seconds>', 'stop after this long (default: until Ctrl-C, at most an hour)')
    .option('--clients <n>', "send from the first n of the lab's clients (default: all)")
    .option('--concurrency <n>', 'requests in flight at most, in all (default: the rate, at least 8)')
    .option('--path <path>', 'path to request (default /), e.g. /slow?ms=200')
    .addOption(
      htmlOption(
        'also write a self-contained HTML report (requests per second, per server, the configuration HAProxy ran) to this file',
      ),
    )
    .addHelpText(
      'after',
      `
The summary: requests sent, failed by cause (connect, timeout, 5xx, other), latency p50/p95/p99,
and answers per server. --json prints it as one object (sent, failed, failures, latencyMs,
perServer, senders). Ctrl-C stops the load and prints what was seen (exit 130).

Examples:
  lab load 03 --duration 30
  lab load 03 --rate 200 --clients 2 --json
  lab load 07 --duration 20 --html load.html`,
    );
