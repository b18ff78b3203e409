import { Command } from '@commander-js/extra-typings';
import { langOption, projectOption, workspaceOption } from '../cli/options.ts';

/** lab quiz: its arguments, options and help. cli/program.ts registers it and loads quiz.ts only when it runs. */
export const quizCommand = () =>
  new Command('quiz')
    .description(
      "answer a lab's quiz: asked on a terminal, or given with --answer; results are saved and shown by lab tasks",
    )
    .argument('<lab>')
    .option('--answer <answers>', 'answers without asking, e.g. q1=b,q2=a (unanswered questions count as wrong)')
    .addOption(projectOption('compose project name'))
    .addOption(workspaceOption('workspace the lab was started with (default: LAB_HOME/workspaces/<project>)'))
    .addOption(langOption())
    .addHelpText(
      'after',
      '\nExit codes: 0 every answer is right, 1 an answer is wrong, 2 an unknown question or option (nothing saved).',
    );
