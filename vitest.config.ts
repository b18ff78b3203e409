import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { LongestFirst } from './tests/longest-first.ts';

/**
 * Three groups, run one after the other (sequence.groupOrder):
 * 0. unit and in-process command tests: no engine, files in parallel, at least 2 at a time: many
 *    wait on processes they start (HAProxy, Compose, the demo app), and vitest's default of one
 *    worker per core but one ran them one by one on a 2-core machine;
 * 1. engine tests that keep to their own Compose project and auto ports: LAB_TEST_LANES files at
 *    a time (default 2). Most of their time is waiting for the engine and HAProxy's checks, not
 *    CPU, so two lanes nearly halve the suite on a 2-core machine. LAB_TEST_LANES=1 runs them
 *    one at a time, as before;
 * 2. engine tests that look at the whole engine (lab reset, doctor's leftovers and ports, "no
 *    lab container is left" scans): alone.
 * Projects of one group must share maxWorkers (vitest refuses otherwise), so each group is one project.
 * Within a project the longest files start first (tests/longest-first.ts), so no lane ends with one.
 */
const lanes = Math.max(1, Number(process.env.LAB_TEST_LANES ?? 2) || 1);

const engineWide = [
  'tests/e2e/instructor-reset.test.ts',
  'tests/e2e/reset-ownership.test.ts',
  'tests/e2e/lab-test.test.ts',
  'tests/e2e/images-setting.test.ts',
  'tests/e2e/instructor-fleet.test.ts',
  'tests/e2e/instructor-ssh.test.ts',
  'tests/e2e/instructor-bundle.test.ts',
  'tests/e2e/rebuild.test.ts',
  // A full-speed client against reloads: alone, so that its rate is the machine's, not a lane's.
  'tests/e2e/seamless-reload.test.ts',
  // Podman's published ports come from the same host as Docker's: alone, no lane beside it.
  'tests/e2e/podman.test.ts',
];

const shared = { restoreMocks: true, testTimeout: 20_000, hookTimeout: 120_000 };

export default defineConfig({
  test: {
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/commands/**/*.test.ts'],
          maxWorkers: Math.max(2, availableParallelism() - 1),
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'engine',
          include: ['tests/e2e/**/*.test.ts', 'tests/hostile/**/*.test.ts', 'tests/swarm/**/*.test.ts'],
          exclude: engineWide,
          maxWorkers: lanes,
          fileParallelism: lanes > 1,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...shared,
          name: 'engine-wide',
          include: engineWide,
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
