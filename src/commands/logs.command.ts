import { Command } from '@commander-js/extra-typings';
import { projectOption, targetOption } from '../cli/options.ts';

/** lab logs: its arguments, options and help. cli/program.ts registers it and loads logs.ts only when it runs. */
export const logsCommand = () =>
  new Command('logs')
    .description("show a lab's logs")
    .argument('<lab>')
    .argument('[service]', "haproxy, or one of the lab's app services (app, or the names under services:)")
    .option('-f, --follow', 'keep printing new lines')
    .option('--tail <n>', 'lines from the end of each container', '100')
    .addOption(projectOption('compose project name'))
    .addOption(targetOption());
