import { Command } from '@commander-js/extra-typings';
import { projectOption, replicasHelp, targetOption, timeoutOption } from '../cli/options.ts';

/** lab scale: its arguments, options and help. cli/program.ts registers it and loads scale.ts only when it runs. */
export const scaleCommand = () =>
  new Command('scale')
    .description('change the number of replicas of a running lab, live')
    .argument('<lab>')
    .argument(
      '<replicas...>',
      `${replicasHelp.replace('number of app replicas', 'new number of replicas')}; for a lab of several services, service=count for each one to change, e.g. web=5 api=2`,
    )
    .addOption(projectOption('compose project name'))
    .addOption(timeoutOption('how long to wait for the replicas to be UP', '60'))
    .addOption(targetOption());
