import { Command } from '@commander-js/extra-typings';
import { projectOption } from '../cli/options.ts';
import { FAULT_SPECS } from '../core/fault-request.ts';

/** lab fault: its arguments, options and help. cli/program.ts registers it and loads fault.ts only when it runs. */
export const faultCommand = () =>
  new Command('fault')
    .description(
      'break one replica of a running lab (or clear what was broken): slow, failing, hung, unhealthy, killed or paused',
    )
    .argument('<lab>')
    .argument(
      '<service>',
      'the app service, optionally with a replica number: app or app/2 (default: the first running replica)',
    )
    .argument('<fault>', FAULT_SPECS.join(' | '))
    .option('--for <seconds>', 'the app clears the fault by itself after this long (latency, errors, hang, unhealthy)')
    .addOption(projectOption('compose project name'))
    .addHelpText(
      'after',
      `
Faults:
  latency=MS   every answer waits MS more milliseconds (0-60000)
  errors=RATE  that fraction of requests (0-1) answer 500, evenly spread: 0.25 = every 4th
  hang         requests are accepted and never answered, health checks too
  unhealthy    the health check answers 503 while the app still serves
  kill         the container is killed (SIGKILL), as in a crash
  pause        the container is frozen (docker pause): it holds connections and answers nothing
  clear        unpause or start the replica and clear its app faults (without /<replica>: every replica)

Examples:
  lab fault 03 app/2 unhealthy
  lab fault 03 app errors=0.5 --for 30
  lab fault 03 app/2 clear`,
    );
