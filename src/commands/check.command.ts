import { Command } from '@commander-js/extra-typings';
import { htmlOption, projectOption, targetOption } from '../cli/options.ts';

/** lab check: its arguments, options and help. cli/program.ts registers it and loads check.ts only when it runs. */
export const checkCommand = () =>
  new Command('check')
    .description("prove a running lab works: the lab's checks, judged from HAProxy's stats")
    .argument('<lab>')
    .addOption(projectOption('compose project name'))
    .option('--requests <n>', "requests per distribution check (default: the lab's, else 300)")
    .option('--concurrency <n>', "requests in flight at once (default: the lab's, else 4)")
    .option('--failover', 'also run the failover drill: stop a replica under load and watch HAProxy recover')
    .addOption(targetOption())
    .option(
      '--zone-loss <zone>',
      'with --target swarm: the zone drill: drain every node of <zone> under load, time how HAProxy and Swarm recover, then bring the zone back',
    )
    .option(
      '--crash-command <cmd>',
      "with --zone-loss: crash the zone instead of draining it: lab runs <cmd> (sh -c, with LAB_ZONE, LAB_ZONE_NODES, LAB_ZONE_ADDRS) and it must take the zone's machines down",
    )
    .option(
      '--revive-command <cmd>',
      'with --crash-command: after the drill lab runs <cmd> to bring the zone back, waits for its nodes and rebalances',
    )
    .option('--rate <n>', 'with --zone-loss: requests per second during the drill (default 50)')
    .addOption(htmlOption());
