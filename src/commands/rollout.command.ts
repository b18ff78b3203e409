import { Command, Option } from '@commander-js/extra-typings';
import { htmlOption, projectOption } from '../cli/options.ts';
import { STRATEGIES } from '../core/rollout-plan.ts';

/** lab rollout: its arguments, options and help. cli/program.ts registers it and loads rollout.ts only when it runs. */
export const rolloutCommand = () =>
  new Command('rollout')
    .description(
      'update a service of a running lab to another version: replica by replica through HAProxy (rolling), or all at once (recreate)',
    )
    .argument('<lab>')
    .argument('<service>', 'the app service to update (app for a lab with app:)')
    .requiredOption('--to <version>', "the version to roll to: one of the service's versions in the lab file")
    .addOption(new Option('--strategy <strategy>', `${STRATEGIES.join(' | ')}`).default('rolling'))
    .option('--batch <n>', 'rolling: replicas replaced at a time, from 1 to the replicas of the service (default 1)')
    .addOption(projectOption('compose project name'))
    .addOption(
      htmlOption(
        'also write a self-contained HTML report (requests per second and failures, each step of the rollout marked, the configuration HAProxy ran) to this file; run lab load beside it for traffic',
      ),
    )
    .addHelpText(
      'after',
      `
Strategies:
  rolling   for each batch: drain its servers in HAProxy (runtime API: set server ... state drain),
            wait until their sessions end, replace the replicas with the new version, wait until
            HAProxy's stats show each new replica UP with a passed health check, then the next batch
  recreate  what a plain "docker compose up" does after a version change: every replica replaced at once

Ctrl-C finishes (or, before anything was replaced, undoes) the batch in progress, so every
replica serves; lab status shows each replica's version. Run the same rollout again to finish.

Examples:
  lab rollout 08 app --to v2
  lab rollout 08 app --to v1 --batch 2
  lab rollout 08 app --to v2 --strategy recreate`,
    );
