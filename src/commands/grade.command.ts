import { Command } from '@commander-js/extra-typings';
import { htmlOption, langOption, projectOption } from '../cli/options.ts';

/** lab grade: its arguments, options and help. cli/program.ts registers it and loads grade.ts only when it runs. */
export const gradeCommand = () =>
  new Command('grade')
    .description(
      'grade every task of a running lab (needs first; a task whose needs fail is locked) and save the progress',
    )
    .argument('<lab>')
    .addOption(projectOption('compose project name'))
    .option(
      '--all-checks',
      'run every check of a task even after a cheaper one failed (by default its drills are skipped: not run)',
    )
    .option('--junit <file>', 'also write JUnit XML (one test case per task) to this file')
    .option('--csv <file>', 'with --hosts: also write the class grade as CSV, one row per machine')
    .addOption(
      htmlOption(
        'with --hosts: also write the class view as one self-contained HTML file (machines passing each task, machines × tasks)',
      ),
    )
    .addOption(langOption())
    .addHelpText(
      'after',
      `
Exit codes: 0 every task passes, 1 a task fails or is locked, 2 the lab is not running (or has no tasks).

With --hosts <file> (lab --hosts room.txt grade 03): every machine of the file is graded at once,
one row per machine. Exit 0 only when every machine passes every task; else the most severe of
the machines' codes: 1 a task failed or is locked, 2 the lab is not running on a machine,
3 a machine's engine cannot be reached, 4 a Docker operation failed.`,
    );
