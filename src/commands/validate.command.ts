import { Command } from '@commander-js/extra-typings';

/** lab validate: its arguments, options and help. cli/program.ts registers it and loads validate.ts only when it runs. */
export const validateCommand = () =>
  new Command('validate')
    .description('validate lab files (all labs when no path is given); every problem as file:line:col')
    .argument('[paths...]', 'lab.yaml files or folders that hold them');
