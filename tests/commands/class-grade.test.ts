import { stat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { gradeClass } from '../../src/cli/class-grade.ts';
import type { Context } from '../../src/cli/context.ts';
import { CheckFailedError, EnvironmentError, ExitError } from '../../src/core/errors.ts';
import { fakeContext } from '../helpers/fake-context.ts';
import { tmpDir, writeTree } from '../helpers/tmp.ts';

/**
 * The class grade's shell in-process: the real hosts file and fleet runner, with `lab grade` on
 * each machine replaced by what it prints (the engines are the e2e test's part). Every machine
 * runs with --json forced, its own --host and its own LAB_HOME.
 */
const ROOM = 'pc01 tcp://10.0.0.1:2375\npc02 tcp://10.0.0.2:2375\npc03 ssh://student@pc03\n';
const grade = (statuses: string[]) => ({
  lab: '03-load-balancing',
  score: 33,
  passed: 1,
  total: 3,
  tasks: ['scale-out', 'least-connections', 'sticky-sessions'].map((id, i) => ({
    id,
    status: statuses[i],
    reason: 'r',
  })),
});

/** A stand-in for `lab grade` on one machine: what it prints and how it ends depends on its host. */
async function fakeGrade(c: Context): Promise<void> {
  if (!c.out.json) throw new Error('a class grade must run each machine with --json');
  if (!c.env.LAB_HOME?.includes('/hosts/')) throw new Error('each machine needs its own LAB_HOME');
  if (c.host === 'tcp://10.0.0.1:2375')
    return c.out.data({ ...grade(['pass', 'pass', 'pass']), score: 100, passed: 3 });
  if (c.host === 'tcp://10.0.0.2:2375') {
    c.out.data(grade(['pass', 'fail', 'locked']));
    throw new ExitError(new CheckFailedError('2 of 3 task(s) did not pass'));
  }
  throw new EnvironmentError('Cannot reach the Docker engine at ssh://student@pc03', { hint: 'Start the engine' });
}

describe('lab grade --hosts in-process', () => {
  it('prints one table, writes the CSV 0644, and exits with the machines’ most severe code', async () => {
    const dir = await tmpDir();
    await writeTree(dir, { 'room.txt': ROOM });
    // Under a strict umask, and over an earlier private CSV: 0644 must come from lab, not from the defaults.
    await writeFile(join(dir, 'class.csv'), 'old', { mode: 0o600 });
    const umask = process.umask(0o077);
    onTestFinished(() => void process.umask(umask));
    const { ctx, stdout, stderr } = fakeContext(false, { cwd: dir, env: { LAB_HOME: join(dir, 'home') } });
    const e = await gradeClass(ctx, 'room.txt', { lab: '03', csv: 'class.csv' }, fakeGrade).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ExitError);
    // The most severe of 0 (pc01), 1 (pc02 failed a task) and 3 (pc03 unreachable).
    expect((e as ExitError).exitCode).toBe(3);
    expect(stdout.text).toMatchSnapshot();
    expect(stderr.text).toContain('CSV written to class.csv');
    expect((await stat(join(dir, 'class.csv'))).mode & 0o777).toBe(0o644);
    expect(await readFile(join(dir, 'class.csv'), 'utf8')).toBe(
      'machine,host,score,passed,solved,total,scale-out,least-connections,sticky-sessions,hints:scale-out,hints:least-connections,hints:sticky-sessions,quiz,copies_solution,error\r\n' +
        'pc01,tcp://10.0.0.1:2375,100,3,0,3,pass,pass,pass,0,0,0,,,\r\n' +
        'pc02,tcp://10.0.0.2:2375,33,1,0,3,pass,fail,locked,0,0,0,,,\r\n' +
        'pc03,ssh://student@pc03,,,,,,,,,,,,,Cannot reach the Docker engine at ssh://student@pc03\r\n',
    );
  });

  it('--json: one object, nothing else on stdout', async () => {
    const dir = await tmpDir();
    await writeTree(dir, { 'room.txt': ROOM.split('\n')[0]! });
    const { ctx, stdout } = fakeContext(true, { cwd: dir, env: { LAB_HOME: join(dir, 'home') } });
    await gradeClass(ctx, 'room.txt', { lab: '03' }, fakeGrade);
    const j = JSON.parse(stdout.text) as Record<string, unknown>;
    expect(j).toMatchObject({
      outcome: 'success',
      exitCode: 0,
      lab: '03-load-balancing',
      machines: [{ name: 'pc01', score: 100, tasks: [{ id: 'scale-out', status: 'pass' }, {}, {}] }],
      summary: { allPassed: 1, text: '1 of 1 machine(s) passed every task' },
    });
  });

  it('--junit with --hosts, or a bad hosts file: a usage error before any machine is graded', async () => {
    const dir = await tmpDir();
    await writeTree(dir, { 'bad.txt': 'pc01 http://pc01\n' });
    const never = async () => {
      throw new Error('no machine should be graded');
    };
    const { ctx } = fakeContext(false, { cwd: dir });
    await expect(gradeClass(ctx, 'bad.txt', { lab: '03', junit: 'x.xml' }, never)).rejects.toThrow(
      /--junit grades one machine/,
    );
    await expect(gradeClass(ctx, 'bad.txt', { lab: '03' }, never)).rejects.toThrow(/bad line in hosts file bad.txt/);
  });
});
