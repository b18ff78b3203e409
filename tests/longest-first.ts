/**
 * The order in which vitest hands test files to its workers: within each group
 * (sequence.groupOrder) and project, the longest files first, so that no lane of the engine
 * project ends with a 4-minute file while the other lane sits idle.
 *
 * vitest's own sequencer orders by the durations it cached in node_modules/.vite; a fresh clone
 * (CI) has no cache, and vitest then orders by file size, which put the two longest engine files
 * (`lab test` of whole labs, a few lines each) last. Without a cached duration this sequencer
 * takes the file's duration from the last CI run below. A file known to neither counts as a
 * new lab e2e file (about a minute) in the engine projects, and as short in the unit project.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Seconds each file over 9 s took in the last passing CI run (test time, CI run 1 of session 9); an order, not an assertion. */
const CI_SECONDS: Record<string, number> = {
  'engine:tests/e2e/catalog-labs-08.test.ts': 344,
  'engine:tests/e2e/lab-test-failover.test.ts': 204,
  'engine:tests/e2e/catalog-labs-10.test.ts': 153,
  'engine:tests/e2e/catalog-labs-05.test.ts': 139,
  'engine:tests/hostile/faults.test.ts': 117,
  'engine:tests/e2e/catalog-labs-06.test.ts': 117,
  'engine:tests/e2e/catalog-labs.test.ts': 115,
  'engine:tests/e2e/lab-test-exercise.test.ts': 102,
  'engine-wide:tests/e2e/podman.test.ts': 89,
  'engine:tests/e2e/swarm.test.ts': 79,
  'engine:tests/e2e/faults.test.ts': 49,
  'engine:tests/e2e/rollout-interrupt.test.ts': 45,
  'engine-wide:tests/e2e/seamless-reload.test.ts': 43,
  'engine:tests/e2e/every-lab-up.test.ts': 43,
  'engine:tests/e2e/fault.test.ts': 38,
  'engine:tests/e2e/check.test.ts': 28,
  'engine-wide:tests/e2e/instructor-bundle.test.ts': 27,
  'engine-wide:tests/e2e/instructor-reset.test.ts': 25,
  'engine:tests/e2e/clients.test.ts': 25,
  'engine-wide:tests/e2e/reset-ownership.test.ts': 23,
  'engine-wide:tests/e2e/instructor-fleet.test.ts': 22,
  'engine-wide:tests/e2e/instructor-ssh.test.ts': 21,
  'engine:tests/e2e/lifecycle.test.ts': 18,
  'engine:tests/e2e/grade-class.test.ts': 18,
  'engine:tests/e2e/report-browser.test.ts': 15,
  'engine:tests/e2e/grade.test.ts': 14,
  'unit:tests/unit/whoami-client.test.ts': 13,
  'engine:tests/hostile/input.test.ts': 12,
  'engine:tests/e2e/broken-setup.test.ts': 11,
  'engine:tests/e2e/apply.test.ts': 11,
  'engine:tests/e2e/top.test.ts': 9,
  'engine:tests/e2e/services.test.ts': 9,
  'engine:tests/hostile/student-file.test.ts': 9,
};

/** Seconds assumed for a file that is neither cached nor in CI_SECONDS, by project. */
const NEW_FILE_SECONDS: Record<string, number> = { unit: 1 };
const NEW_FILE_DEFAULT = 60;
/** A file that failed last time runs first, as with vitest's own order. */
const FAILED_FIRST = 24 * 3600 * 1000;

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache;
    const key = (f: TestSpecification) => `${f.project.name}:${relative(this.ctx.config.root, f.moduleId)}`;
    /** Milliseconds expected: what it took last time here, else in CI, else a guess. */
    const expected = (f: TestSpecification): number => {
      const cached = cache.getFileTestResults(key(f));
      if (cached && !cached.failed) return cached.duration;
      if (cached?.failed) return FAILED_FIRST;
      return (CI_SECONDS[key(f)] ?? NEW_FILE_SECONDS[f.project.name] ?? NEW_FILE_DEFAULT) * 1000;
    };
    // vitest's order first (groups, projects, failed first, then size), kept for ties: sort is stable.
    const base = await super.sort(files);
    const rank = new Map(base.map((f, i) => [f, i]));
    return [...base].sort((a, b) =>
      a.project === b.project ? expected(b) - expected(a) : rank.get(a)! - rank.get(b)!,
    );
  }
}
