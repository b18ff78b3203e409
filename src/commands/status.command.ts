import { Command } from '@commander-js/extra-typings';
import { projectOption, targetOption } from '../cli/options.ts';

/** lab status: its arguments, options and help. cli/program.ts registers it and loads status.ts only when it runs. */
export const statusCommand = () =>
  new Command('status')
    .description("running labs, or one lab's containers and HAProxy's view of its servers")
    .argument('[lab]')
    .addOption(projectOption('compose project name'))
    .addOption(targetOption());
