import { Command } from '@commander-js/extra-typings';
import { targetOption, withRenderOptions, workspaceOption, zoneLabelOption } from '../cli/options.ts';

/** lab render: its arguments, options and help. cli/program.ts registers it and loads render.ts only when it runs. */
export const renderCommand = () =>
  withRenderOptions(
    new Command('render')
      .description(
        "write a lab's compose file (or with --target swarm its stack file) and haproxy.cfg to its workspace",
      )
      .argument('<lab>'),
  )
    .addOption(workspaceOption('write here instead of $LAB_HOME/workspaces/<project>'))
    .addOption(targetOption())
    .addOption(zoneLabelOption());
