import { Command } from '@commander-js/extra-typings';
import { langOption } from '../cli/options.ts';

/** lab list: its arguments, options and help. cli/program.ts registers it and loads list.ts only when it runs. */
export const listCommand = () => new Command('list').description('list the labs').addOption(langOption());
