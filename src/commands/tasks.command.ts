import { Command } from '@commander-js/extra-typings';
import { langOption, projectOption, workspaceOption } from '../cli/options.ts';

/** lab tasks: its arguments, options and help. cli/program.ts registers it and loads tasks.ts only when it runs. */
export const tasksCommand = () =>
  new Command('tasks')
    .description(
      "a lab's tasks with their state (passed, open, locked) from the last lab grade, the next task's instructions, and quiz results",
    )
    .argument('<lab>')
    .addOption(projectOption('compose project name'))
    .addOption(workspaceOption('workspace the lab was started with (default: LAB_HOME/workspaces/<project>)'))
    .addOption(langOption());
