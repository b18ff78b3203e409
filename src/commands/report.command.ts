import { Command } from '@commander-js/extra-typings';
import { htmlOption, langOption, projectOption } from '../cli/options.ts';

/** lab report: its arguments, options and help. cli/program.ts registers it and loads report.ts only when it runs. */
export const reportCommand = () =>
  new Command('report')
    .description(
      'grade a running lab (its tasks, else its checks) and write a report to keep: one self-contained HTML file',
    )
    .argument('<lab>')
    .addOption(htmlOption('the HTML file to write (required)').makeOptionMandatory())
    .addOption(projectOption('compose project name'))
    .option('--requests <n>', "requests per distribution check of a lab without tasks (default: the lab's, else 300)")
    .option('--failover', "also run the failover drill: its fault and HAProxy's state changes go on the timeline")
    .addOption(langOption())
    .addHelpText(
      'after',
      `
The report holds the lab, the configuration HAProxy runs (read from HAProxy itself: its stats
and the config id it serves), each task's or check's verdict and reason, requests per server,
and a timeline of requests per second and failures with faults and state changes marked.
It needs no network to open (inline CSS and SVG, no script) and holds no password.

Exit codes: 0 the report was written (whatever the verdicts: they are in it), 2 bad input or
the lab is not running, 3 no Docker engine.

Examples:
  lab report 03 --html report.html
  lab report 07 --html failover.html --lang ja`,
    );
