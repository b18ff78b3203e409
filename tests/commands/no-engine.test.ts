import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { list } from '../../src/commands/list.ts';
import { render } from '../../src/commands/render.ts';
import { schema, SCHEMA_FILE } from '../../src/commands/schema.ts';
import { show } from '../../src/commands/show.ts';
import { validate } from '../../src/commands/validate.ts';
import { LabFileError } from '../../src/core/errors.ts';
import { fakeContext } from '../helpers/fake-context.ts';
import { LAB03_ID, lab03Text } from '../helpers/lab03.ts';
import { tmpDir, writeTree } from '../helpers/tmp.ts';

/**
 * Commands that need no Docker engine, run in-process with a fake context: what they print on
 * stdout and stderr, their one --json object, the files they write, the errors they throw.
 * The e2e tests run the real binary; these pin each command's own output, fast.
 */
describe('commands without an engine, in-process', () => {
  it('list --json: every lab with its id, title, validity, section, task count and duration; the sections with their labs', async () => {
    const { ctx, stdout, stderr } = fakeContext(true);
    await list(ctx, { lang: 'en' });
    const data = JSON.parse(stdout.text) as {
      outcome: string;
      labs: { id: string; valid: boolean; title?: string }[];
      sections: { section: string | null; labs: string[]; minutes: number }[];
    };
    expect(data.outcome).toBe('success');
    expect(data.labs.find((l) => l.id === LAB03_ID)).toMatchObject({
      valid: true,
      title: expect.any(String),
      section: 'Hands-on: load balancing with HAProxy',
      tasks: 3,
      duration: 30,
    });
    expect(data.labs.find((l) => l.id === '06-sticky-sessions')).toMatchObject({
      section: 'High availability basics',
      tasks: 4,
      duration: 45,
    });
    expect(data.sections.find((s) => s.section === 'High availability basics')).toEqual({
      section: 'High availability basics',
      labs: ['06-sticky-sessions', '07-failover', '09-multi-zone'],
      minutes: 135,
    });
    expect(stderr.text).toBe('');
  });

  it('list: one table per course section (in Japanese with --lang ja), then the command to start the first lab', async () => {
    const { ctx, stdout } = fakeContext();
    await list(ctx, { lang: 'ja' });
    const lines = stdout.text.trim().split('\n');
    expect(lines[0]).toBe('スケーリング戦略の基本  (1 h 30 min)');
    expect(lines[1]).toMatch(/^\s+#\s+LAB\s+TITLE\s+TASKS\s+TIME$/);
    expect(stdout.text).toMatch(
      /高可用性（HA）の基本 {2}\(2 h 15 min\)\n.*\n.*\n\s+06\s+06-sticky-sessions\s+\S.*\s4\s+45 min\n\s+07\s+07-failover/,
    );
    expect(stdout.text).toContain(LAB03_ID);
    expect(lines.at(-1)).toMatch(/^Start one with: lab up \d\d; lab show <#> for its goals and tasks$/);
  });

  it('show 6: section, duration, prerequisites with their titles, and each task after the tasks it needs', async () => {
    const { ctx, stdout } = fakeContext();
    await show(ctx, { lab: '6', lang: 'en' });
    expect(stdout.text).toContain('section: High availability basics, about 45 min');
    expect(stdout.text).toMatch(
      /Prerequisites \(labs to do first\)\n {2}- 02-haproxy-config: Write a basic HAProxy configuration/,
    );
    expect(stdout.text).toContain('  - replica-dies: Kill the replica that holds the session (after sticky-cookie)');
    expect(stdout.text).toContain('redis: redis:7-alpine');
  });

  it('show 3: goals, defaults with their options, checks, and how to start it by its short id', async () => {
    const { ctx, stdout } = fakeContext();
    await show(ctx, { lab: '3' });
    expect(stdout.text).toMatch(new RegExp(`^${LAB03_ID}: `));
    expect(stdout.text).toContain('Goals');
    expect(stdout.text).toContain('Defaults (override with lab up 03 --<option>)');
    expect(stdout.text).toMatch(/replicas\s+\d+ {2}\(--replicas\)/);
    expect(stdout.text.trim().split('\n').at(-1)).toBe('Start it with: lab up 03');
  });

  it('validate: every built-in lab file is valid', async () => {
    const { ctx, stdout } = fakeContext(true);
    await validate(ctx, { paths: [] });
    const data = JSON.parse(stdout.text) as { files: { file: string; valid: boolean }[] };
    expect(data.files.length).toBeGreaterThan(0);
    expect(data.files.every((f) => f.valid)).toBe(true);
  });

  it('validate <folder>: a broken lab is a LabFileError (exit 2) with file:line:col, and nothing on stdout', async () => {
    const dir = await tmpDir();
    await writeTree(dir, { 'lab.yaml': lab03Text().replace(/^( {2}replicas:) \d+$/m, '$1 0') });
    const { ctx, stdout } = fakeContext(false, { cwd: dir });
    const error = await validate(ctx, { paths: ['.'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LabFileError);
    expect((error as LabFileError).exitCode).toBe(2);
    expect((error as LabFileError).details[0]).toMatch(
      new RegExp(`^${join(dir, 'lab.yaml').replaceAll('/', '\\/')}:\\d+:\\d+ defaults\\.replicas: `),
    );
    expect(stdout.text).toBe('');
  });

  it('render 03: writes compose.yaml, haproxy.cfg and a 0600 lab.json under LAB_HOME', async () => {
    const home = await tmpDir();
    const { ctx, stdout } = fakeContext(true, { env: { LAB_HOME: home } });
    await render(ctx, { lab: '03', replicas: '2', project: 'lab-in-process' });
    const data = JSON.parse(stdout.text) as {
      workspace: string;
      files: { compose: string; haproxy: string };
      options: { replicas: number };
    };
    expect(data.workspace).toBe(join(home, 'workspaces', 'lab-in-process'));
    expect(data.options.replicas).toBe(2);
    expect(await readFile(data.files.compose, 'utf8')).toContain('haproxy');
    expect(await readFile(data.files.haproxy, 'utf8')).toContain('backend app');
    // lab.json records the stats password: private to the user.
    expect((await stat(join(data.workspace, 'lab.json'))).mode & 0o777).toBe(0o600);
  });

  it('schema: prints the JSON Schema that labs/lab.schema.json holds; --check passes', async () => {
    const { ctx, stdout } = fakeContext();
    await schema(ctx, {});
    expect(stdout.text).toBe(await readFile(SCHEMA_FILE, 'utf8'));
    const checked = fakeContext();
    await schema(checked.ctx, { check: true });
    expect(checked.stdout.text).toBe(`${SCHEMA_FILE} is up to date\n`);
  });
});

describe('apply without an engine', () => {
  it('apply 03: a generated lab has no student file, exit 2 before any engine is asked', async () => {
    const { apply } = await import('../../src/commands/apply.ts');
    const { UsageError } = await import('../../src/core/errors.ts');
    const { ctx } = fakeContext();
    const e = await apply(ctx, { lab: '03' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toBe(
      'Lab 03-load-balancing has no student configuration (loadBalancer.config: generated): lab writes its haproxy.cfg itself',
    );
  });
});

describe('test --task without an engine', () => {
  it.each([
    {
      labs: ['05'],
      task: ['nope'],
      message:
        '--task: lab 05 has no task "nope"; its tasks are: leastconn-backend, slow-replica, random-two, source-affinity',
    },
    { labs: ['05', '06'], task: ['slow-replica'], message: '--task needs exactly one lab (got 2)' },
    { labs: [], task: ['slow-replica'], message: /^--task needs exactly one lab \(got \d+\)$/ },
  ])('lab test $labs --task $task: exit 2 before anything starts', async ({ labs, task, message }) => {
    const { test } = await import('../../src/commands/test.ts');
    const { UsageError } = await import('../../src/core/errors.ts');
    const { ctx, stderr } = fakeContext();
    const e = await test(ctx, { labs, task, image: [] }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(UsageError);
    if (typeof message === 'string') expect((e as Error).message).toBe(message);
    else expect((e as Error).message).toMatch(message);
    expect(stderr.text).toBe('');
  });
});
