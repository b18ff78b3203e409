import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { json } from './measure.ts';
import type { TopLoadContext } from './top-load.ts';

/**
 * Apply to verdict (issue #22): how long a student waits, from `lab apply` to the graded
 * result (apply --json's gradedMs), on lab 02 for three files:
 * - a failing cheap check: the health-checks variant without `check` (checks-are-on fails from
 *   HAProxy's stats; the task's stop drill is not run): target 2 s;
 * - a passing task without a drill: task frontend's solution (the later tasks fail cheaply);
 * - a drill task: the reference solution, whose health-checks task stops a replica under load.
 */
export async function benchVerdict(ctx: TopLoadContext, reps: number): Promise<void> {
  const labDir = join(ctx.root, 'labs', '02-haproxy-config');
  const files: [id: string, label: string, file: string, max?: number][] = [
    [
      'cheapFail',
      'apply to verdict: a failing cheap check (02 health-checks without check)',
      join(labDir, 'variants', 'health-checks.wrong-no-check.cfg'),
      2000,
    ],
    ['pass', 'apply to verdict: a passing task, no drill (02 frontend)', join(labDir, 'solutions', '01-frontend.cfg')],
    [
      'drill',
      'apply to verdict: a drill task (02 reference solution, stop drill)',
      join(labDir, 'solutions', 'haproxy.cfg'),
    ],
  ];
  const up = json<{ studentConfig: string }>(
    await ctx.lab([
      'up',
      '02',
      '--project',
      ctx.project,
      '--app-port',
      'auto',
      '--stats-port',
      'auto',
      '--timeout',
      '180',
      '--json',
    ]),
  );
  try {
    for (const [id, label, file, max] of files) {
      const m = ctx.metric({ id: `verdict.${id}`, label, unit: 'ms', samples: [], ...(max ? { max } : {}) });
      for (let i = 0; i < reps; i++) {
        ctx.step(`${label} (${i + 1}/${reps})`);
        copyFileSync(file, up.studentConfig);
        m.samples.push(
          json<{ gradedMs: number }>(await ctx.lab(['apply', '02', '--project', ctx.project, '--json'], [0])).gradedMs,
        );
      }
    }
  } finally {
    await ctx.lab(['down', '02', '--project', ctx.project, '--json']);
  }
}
