import { Command } from '@commander-js/extra-typings';
import { nodeHostOption, targetOption, zoneLabelOption } from '../cli/options.ts';

/** lab doctor: its arguments, options and help. cli/program.ts registers it and loads doctor.ts only when it runs. */
export const doctorCommand = () =>
  new Command('doctor')
    .description(
      'check this machine for running labs: engine, Compose, ports, images, disk, leftovers; each problem with its fix',
    )
    .addOption(targetOption())
    .addOption(zoneLabelOption())
    .addOption(nodeHostOption('to look for the images on that node'));
