import { Command } from '@commander-js/extra-typings';
import { langOption, projectOption, timeoutOption } from '../cli/options.ts';

/** lab apply: its arguments, options and help. cli/program.ts registers it and loads apply.ts only when it runs. */
export const applyCommand = () =>
  new Command('apply')
    .description(
      "check the student's haproxy.cfg of a running student-mode lab with HAProxy, then reload HAProxy with it (exit 2 and no change when HAProxy rejects it) and grade the lab's tasks",
    )
    .argument('<lab>')
    .addOption(projectOption('compose project name'))
    .addOption(timeoutOption('how long to wait for HAProxy to run the new configuration', '10'))
    .option(
      '--all-checks',
      'run every check of a task even after a cheaper one failed (by default its drills are skipped: not run)',
    )
    .option('--no-grade', "only check and reload: do not grade the lab's tasks afterwards")
    .addOption(langOption());
