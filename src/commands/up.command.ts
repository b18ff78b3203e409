import { Command, Option } from '@commander-js/extra-typings';
import {
  langOption,
  nodeHostOption,
  targetOption,
  timeoutOption,
  withRenderOptions,
  workspaceOption,
  zoneLabelOption,
} from '../cli/options.ts';
import { PULL_POLICIES } from '../core/compose-up-args.ts';

/** lab up: its arguments, options and help. cli/program.ts registers it and loads up.ts only when it runs. */
export const upCommand = () =>
  withRenderOptions(
    new Command('up').description('start a lab and wait until HAProxy has every replica UP').argument('<lab>'),
  )
    .addOption(workspaceOption('workspace directory'))
    .addOption(timeoutOption('how long to wait for readiness', '90'))
    .addOption(new Option('--pull <policy>', 'when to pull images').choices(PULL_POLICIES).default('missing' as const))
    .addOption(targetOption())
    .addOption(zoneLabelOption())
    .addOption(nodeHostOption())
    .addOption(langOption());
