import { Command } from '@commander-js/extra-typings';
import { projectOption } from '../cli/options.ts';

/** lab top: its arguments, options and help. cli/program.ts registers it and loads top.ts only when it runs. */
export const topCommand = () =>
  new Command('top')
    .description(
      "a live view of a running lab: each server's state, requests per second, errors, response time and faults, from HAProxy's stats",
    )
    .argument('<lab>')
    .option('--interval <seconds>', 'seconds between refreshes (0.2-60)', '1')
    .option('--once', 'print one frame and exit (with --json: one snapshot)')
    .addOption(projectOption('compose project name'))
    .addHelpText(
      'after',
      `
On a terminal the view redraws in place; q or Ctrl-C quits and restores the screen.
Without a terminal (a pipe, a log) it prints one line per refresh until interrupted.

Examples:
  lab top 03
  lab top 03 --once --json
  lab top 03 | tee top.log`,
    );
