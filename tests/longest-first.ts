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

/** Seconds each long file took in the last CI run (test time); an order, not an assertion. */
const CI_SECONDS: Record<string, number> = {
  'engine:tests/hostile/faults.test.ts': 281,
  'engine:tests/e2e/catalog-labs.test.ts': 277,
  'engine:tests/e2e/fault.test.ts': 151,
  'engine:tests/e2e/catalog-labs-05.test.ts': 143,
  // Added after that run: measured alone on a loaded machine.
  'engine:tests/e2e/catalog-labs-06.test.ts': 86,
  'engine:tests/e2e/catalog-labs-08.test.ts': 295, // 4 tasks and the Ctrl-C case, measured alone under load
  'engine:tests/e2e/catalog-labs-10.test.ts': 126,
  'engine:tests/e2e/faults.test.ts': 133,
  'engine:tests/e2e/check.test.ts': 115,
  'engine:tests/e2e/lab-test-exercise.test.ts': 109,
  'engine:tests/e2e/lab-test-failover.test.ts': 101,
  'engine:tests/e2e/swarm.test.ts': 150, // drain and crash drills, scale, logs: 145 s alone under load
  'engine:tests/e2e/lifecycle.test.ts': 72,
  'engine:tests/e2e/grade-class.test.ts': 72,
  'engine:tests/e2e/clients.test.ts': 71,
  'engine:tests/e2e/broken-setup.test.ts': 48,
  'engine:tests/e2e/top.test.ts': 42,
  'engine:tests/e2e/apply.test.ts': 40,
  'engine:tests/e2e/grade.test.ts': 39,
  'engine:tests/hostile/input.test.ts': 38,
  // Under 38 s, not in that run's list.
  'engine:tests/e2e/services.test.ts': 30,
  'engine:tests/e2e/secrets.test.ts': 30,
  'engine:tests/e2e/lab-new.test.ts': 30,
  'unit:tests/unit/setup-script.test.ts': 31,
  'unit:tests/unit/render-real-tools.test.ts': 30,
  'unit:tests/unit/whoami-client.test.ts': 27,
  'unit:tests/unit/whoami-app.test.ts': 22,
  'unit:tests/unit/whoami-faults.test.ts': 21,
  'unit:tests/unit/lock.test.ts': 14,
  'unit:tests/unit/whoami-session.test.ts': 14,
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
    return [...base].sort((a, b) => (a.project === b.project ? expected(b) - expected(a) : rank.get(a)! - rank.get(b)!));
  }
}
