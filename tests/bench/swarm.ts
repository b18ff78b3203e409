/**
 * The bench's swarm part (BENCH_ONLY=swarm): lab 09 on the 3-node test swarm of
 * tests/swarm/harness.sh (root only): `lab up 09 --target swarm` to every HAProxy seeing six UP
 * and `lab down`, BENCH_SWARM_REPS times, then the zone drill twice, a drain and a crash of
 * zone c (its node killed and revived), each against the figures. The harness is torn
 * down at the end, on failure, and when the process exits.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { hashBuildContext } from '../../src/config/build-hash.ts';
import { hashTagged } from '../../src/core/swarm-images.ts';
import { harnessCommand, harnessMissing, swarmDown, swarmUp } from '../swarm/harness.ts';
import { json, type Metric, type Timed } from './measure.ts';

interface SwarmBench {
  lab: (args: string[], ok?: number[]) => Promise<Timed>;
  metric: (m: Metric) => Metric;
  step: (msg: string) => void;
  reps: number;
  images: string[];
}
interface DrillJson {
  checks: {
    verdict: string;
    data: {
      sent: number;
      failed: number;
      outMs: number | null;
      nodesDownMs: number | null;
      rescheduledMs: number | null;
      upMs: number | null;
    };
  }[];
}

const PROJECT = `bench-swarm-${process.pid}`;
/** Lab 09's app as the warm-up built it. */
const APP = 'lab/whoami:1';

export async function benchSwarm(b: SwarmBench): Promise<void> {
  const missing = harnessMissing();
  if (missing) throw new Error(`BENCH_ONLY=swarm: ${missing}`);
  b.step('swarm: harness up and images loaded on 3 nodes (not counted)');
  // lab up runs the app under its build-hash tag (core/swarm-images.ts): give the nodes that
  // name, from the build the warm-up made, so up finds every image in place.
  const images = b.images.map((ref) => {
    if (ref !== APP) return ref;
    const tagged = hashTagged(APP, hashBuildContext(join(import.meta.dirname, '..', '..', 'compose', 'whoami')));
    execFileSync('docker', ['tag', APP, tagged]);
    return tagged;
  });
  const { host } = await swarmUp(images);
  const lab = (args: string[], ok?: number[]) =>
    b.lab(['--host', host, ...args, '--target', 'swarm', '--project', PROJECT], ok);
  try {
    const up = b.metric({
      id: 'swarm.up',
      label: 'lab up 09 --target swarm (to six UP on every node)',
      unit: 'ms',
      samples: [],
      max: 10_000,
    });
    const ready = b.metric({
      id: 'swarm.up.readyMs',
      label: '  of which deployed to six UP (lab timing)',
      unit: 'ms',
      samples: [],
    });
    const down = b.metric({
      id: 'swarm.down',
      label: 'lab down 09 --target swarm',
      unit: 'ms',
      samples: [],
      max: 6000,
    });
    for (let i = 0; i < b.reps; i++) {
      b.step(`swarm ${i + 1}/${b.reps}: lab up 09, down`);
      const u = await lab(['up', '09', '--timeout', '120', '--json']);
      up.samples.push(u.ms);
      ready.samples.push(json<{ timingsMs: { readyMs: number } }>(u).timingsMs.readyMs);
      down.samples.push((await lab(['down', '09', '--json'])).ms);
    }
    await lab(['up', '09', '--timeout', '120', '--json']);
    for (const mode of ['drain', 'crash'] as const) {
      b.step(`swarm: zone drill, ${mode} of zone c under 50 requests/s`);
      const extra =
        mode === 'crash'
          ? ['--crash-command', harnessCommand('crash', 3), '--revive-command', harnessCommand('revive', 3)]
          : [];
      const d = json<DrillJson>(
        await lab(['check', '09', '--zone-loss', 'c', '--rate', '50', ...extra, '--json'], [0, 1]),
      ).checks[0]!.data;
      const at = (ms: number | null) => (ms === null ? [] : [ms]);
      if (mode === 'drain') {
        b.metric({
          id: 'swarm.drain.failed',
          label: 'zone drain: failed requests',
          unit: 'n',
          samples: [d.failed],
          max: 0,
        });
        b.metric({
          id: 'swarm.drain.outMs',
          label: "zone drain: the zone's servers out of HAProxy",
          unit: 'ms',
          samples: at(d.outMs),
          max: 2000,
        });
        b.metric({
          id: 'swarm.drain.upMs',
          label: 'zone drain: all replicas UP again',
          unit: 'ms',
          samples: at(d.upMs),
          max: 10_000,
        });
      } else {
        b.metric({
          id: 'swarm.crash.failedPermille',
          label: 'node crash: failed requests, per mille of those sent',
          unit: 'n',
          samples: [(d.failed * 1000) / Math.max(1, d.sent)],
          max: 5,
        });
        b.metric({
          id: 'swarm.crash.outMs',
          label: "node crash: the zone's servers out of HAProxy",
          unit: 'ms',
          samples: at(d.outMs),
        });
        b.metric({
          id: 'swarm.crash.nodesDownMs',
          label: 'node crash: Swarm saw the node down',
          unit: 'ms',
          samples: at(d.nodesDownMs),
        });
        b.metric({
          id: 'swarm.crash.upMs',
          label: 'node crash: all replicas UP again',
          unit: 'ms',
          samples: at(d.upMs),
          max: 10_000,
        });
      }
      b.metric({ id: `swarm.${mode}.sent`, label: `  requests sent during the ${mode}`, unit: 'n', samples: [d.sent] });
    }
    await lab(['down', '09', '--json']);
  } finally {
    await swarmDown();
  }
}
