import { Command } from '@commander-js/extra-typings';
import { langOption, projectOption } from '../cli/options.ts';

/** lab grade: its arguments, options and help. cli/program.ts registers it and loads grade.ts only when it runs. */
export const gradeCommand = () =>
  new Command('grade')
    .description("grade every task of a running lab (needs first; a task whose needs fail is locked) and save the progress")
    .argument('<lab>')
    .addOption(projectOption('compose project name'))
    .option('--junit <file>', 'also write JUnit XML (one test case per task) to this file')
    .addOption(langOption())
    .addHelpText('after', '\nExit codes: 0 every task passes, 1 a task fails or is locked, 2 the lab is not running (or has no tasks).');
