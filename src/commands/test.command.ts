import { Command } from '@commander-js/extra-typings';
import { imageOption, timeoutOption } from '../cli/options.ts';

/** lab test: its arguments, options and help. cli/program.ts registers it and loads test.ts only when it runs. */
export const testCommand = () =>
  new Command('test')
    .description(
      'smoke-test labs for CI: validate, up, check and down each one (isolated projects and ports); a lab with tasks also proves each task fails on its starter and passes after its solution',
    )
    .argument('[labs...]', 'lab ids (default: every lab)')
    .option('--junit <file>', 'write JUnit XML to this file')
    .option('--failover', 'also run the failover drill')
    .option('--requests <n>', 'requests per distribution check')
    .option(
      '--task <id...>',
      'only these tasks of the one lab given: their starter and solution halves and their variants (the solutions they need are applied, not graded)',
    )
    .addOption(timeoutOption('readiness timeout per lab', '120'))
    .addOption(imageOption())
    .addHelpText(
      'after',
      '\nExample: lab test 06 --task sticky-cookie   # a course author trying new variants of one task\n\nExit codes: 0 every lab passed; 1 a check failed, a task passed on the starter, or a task still fails after its solution (the table names the task and the half).',
    );
