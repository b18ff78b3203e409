import { Command } from '@commander-js/extra-typings';
import { projectOption, workspaceOption } from '../cli/options.ts';

/** lab solve: its arguments, options and help. cli/program.ts registers it and loads solve.ts only when it runs. */
export const solveCommand = () =>
  new Command('solve')
    .description(
      "apply a task's reference solution (for instructors and CI): its lab commands, or its haproxy.cfg (the student's file is saved beside it first, then applied)",
    )
    .argument('<lab>')
    .argument('[task]', 'the task (default: the first task not passing at the last lab grade)')
    .option('--all', 'every task, in needs order')
    .addOption(projectOption('compose project name'))
    .addOption(workspaceOption('workspace the lab was started with (default: LAB_HOME/workspaces/<project>)'))
    .addHelpText(
      'after',
      '\nExit codes: 0 solved (or nothing left to solve), 2 no such task or a task without a solution; a solution command that fails exits with its own code.',
    );
