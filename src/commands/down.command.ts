import { Command } from '@commander-js/extra-typings';
import { langOption, projectOption, targetOption } from '../cli/options.ts';

/** lab down: its arguments, options and help. cli/program.ts registers it and loads down.ts only when it runs. */
export const downCommand = () =>
  new Command('down')
    .description('stop a lab and remove its containers, networks and volumes')
    .argument('<lab>')
    .addOption(projectOption())
    .addOption(targetOption())
    .addOption(langOption());
