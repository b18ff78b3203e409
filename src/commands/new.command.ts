import { Command } from '@commander-js/extra-typings';

/** lab new: its arguments, options and help. cli/program.ts registers it and loads new.ts only when it runs. */
export const newCommand = () =>
  new Command('new')
    .description(
      "scaffold an exercise lab from lab's skeleton (templates/lab/): lab.yaml with one task, a starter and a solution; never overwrites a file",
    )
    .argument('<id>', 'the new lab id: two digits, then kebab-case, e.g. 07-sticky-sessions')
    .option('--dir <folder>', 'labs folder to create it in (default: the first folder of LAB_LABS_DIR, else ./labs)')
    .option('--title <text>', 'the lab title (default: from the id)')
    .addHelpText(
      'after',
      '\nExit codes: 0 written; 2 an id that is not a lab id, a lab or lab number that exists, or a bad --title (nothing written).',
    );
