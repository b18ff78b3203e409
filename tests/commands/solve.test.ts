import { describe, expect, it } from 'vitest';
import type { Context } from '../../src/cli/context.ts';
import { buildProgram } from '../../src/cli/program.ts';
import { solve } from '../../src/commands/solve.ts';
import { UsageError } from '../../src/core/errors.ts';
import { fakeContext } from '../helpers/fake-context.ts';
import { tmpDir } from '../helpers/tmp.ts';

/** lab solve without an engine: which lab commands it runs, in what order, on which project. */
describe('lab solve (in-process, the runner records instead of running)', () => {
  it('--all on lab 03 runs every solution in needs order, on the named project, through the runner with a quiet output', async () => {
    const { ctx, stdout } = fakeContext(false, { env: { LAB_HOME: await tmpDir('lab-solve-') } });
    const ran: { argv: readonly string[]; nested: Context }[] = [];
    await solve(ctx, { lab: '03', all: true, project: 'p1' }, async (nested, argv) => void ran.push({ argv, nested }));
    expect(ran.map((r) => r.argv)).toEqual([
      ['scale', '03', '5', '--project', 'p1'],
      ['up', '03', '--replicas', '5', '--algorithm', 'leastconn', '--project', 'p1'],
      ['up', '03', '--replicas', '5', '--algorithm', 'leastconn', '--sticky', '--project', 'p1'],
    ]);
    // The nested commands' results go to stderr as progress: stdout stays lab solve's.
    expect(ran[0]!.nested.out.json).toBe(false);
    expect(ran[0]!.nested.out.stdout).toBe(ctx.out.stderr);
    expect(stdout.text).toContain('scale-out: ran lab scale 03 5 --project p1');
    expect(stdout.text).toContain('Run lab grade 03 to grade the tasks.');
  });

  it("-w is passed on to the solutions' commands that take it (lab up), not to those that find the workspace themselves", async () => {
    const home = await tmpDir('lab-solve-');
    const { ctx } = fakeContext(false, { env: { LAB_HOME: home } });
    const ran: (readonly string[])[] = [];
    await solve(
      ctx,
      { lab: '03', all: true, project: 'p1', workspace: `${home}/mine` },
      async (_c, argv) => void ran.push(argv),
    );
    expect(ran).toEqual([
      ['scale', '03', '5', '--project', 'p1'],
      ['up', '03', '--replicas', '5', '--algorithm', 'leastconn', '--project', 'p1', '--workspace', `${home}/mine`],
      [
        'up',
        '03',
        '--replicas',
        '5',
        '--algorithm',
        'leastconn',
        '--sticky',
        '--project',
        'p1',
        '--workspace',
        `${home}/mine`,
      ],
    ]);
  });

  it('without a task and without progress, the first task in needs order', async () => {
    const { ctx, stdout } = fakeContext(true, { env: { LAB_HOME: await tmpDir('lab-solve-') } });
    const ran: (readonly string[])[] = [];
    await solve(ctx, { lab: '03' }, async (_c, argv) => void ran.push(argv));
    expect(ran).toEqual([['scale', '03', '5']]);
    expect(JSON.parse(stdout.text)).toMatchObject({
      lab: '03-load-balancing',
      project: 'lab-03-load-balancing',
      solved: [{ task: 'scale-out', kind: 'commands' }],
    });
  });

  it('an unknown task is a usage error through the registry, before anything runs', async () => {
    const { ctx } = fakeContext(false, { env: { LAB_HOME: await tmpDir('lab-solve-') } });
    const run = buildProgram(() => ctx, 'test').parseAsync(['solve', '03', 'nope'], { from: 'user' });
    await expect(run).rejects.toThrow(UsageError);
    await expect(buildProgram(() => ctx, 'test').parseAsync(['solve', '03', 'nope'], { from: 'user' })).rejects.toThrow(
      /Lab 03 has no task "nope"; its tasks are: scale-out, least-connections, sticky-sessions/,
    );
  });
});
