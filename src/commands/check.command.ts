import { Command } from '@commander-js/extra-typings';
import { htmlOption, projectOption } from '../cli/options.ts';

/** lab check: its arguments, options and help. cli/program.ts registers it and loads check.ts only when it runs. */
export const checkCommand = () =>
  new Command('check')
    .description("prove a running lab works: the lab's checks, judged from HAProxy's stats")
    .argument('<lab>')
    .addOption(projectOption('compose project name'))
    .option('--requests <n>', "requests per distribution check (default: the lab's, else 300)")
    .option('--concurrency <n>', "requests in flight at once (default: the lab's, else 4)")
    .option('--failover', 'also run the failover drill: stop a replica under load and watch HAProxy recover')
    .addOption(htmlOption());
