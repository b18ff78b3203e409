import { Command } from '@commander-js/extra-typings';
import { langOption } from '../cli/options.ts';

/** lab show: its arguments, options and help. cli/program.ts registers it and loads show.ts only when it runs. */
export const showCommand = () =>
  new Command('show')
    .description("show a lab's goals, defaults and checks")
    .argument('<lab>', 'lab id, e.g. 03, 3 or 03-load-balancing')
    .addOption(langOption());
