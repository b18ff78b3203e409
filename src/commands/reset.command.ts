import { Command } from '@commander-js/extra-typings';
import { targetOption } from '../cli/options.ts';

/** lab reset: its arguments, options and help. cli/program.ts registers it and loads reset.ts only when it runs. */
export const resetCommand = () =>
  new Command('reset')
    .description("remove every lab container, network, volume and workspace (never anything lab didn't create)")
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('-y, --yes', 'do not ask (required when not on a terminal)')
    .option('--images', 'also remove the images the labs use')
    .addOption(targetOption());
