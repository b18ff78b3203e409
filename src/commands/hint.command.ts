import { Command } from '@commander-js/extra-typings';
import { langOption, projectOption, workspaceOption } from '../cli/options.ts';

/** lab hint: its arguments, options and help. cli/program.ts registers it and loads hint.ts only when it runs. */
export const hintCommand = () =>
  new Command('hint')
    .description(
      'show the next hint of the current task (the first open one) or of a named task; lab remembers which were shown',
    )
    .argument('<lab>')
    .argument('[task]', 'task id (default: the first open task)')
    .addOption(projectOption('compose project name'))
    .addOption(workspaceOption('workspace the lab was started with (default: LAB_HOME/workspaces/<project>)'))
    .addOption(langOption());
