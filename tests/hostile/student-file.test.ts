/**
 * Hostile student files (issue 23): each path a student's haproxy.cfg could take to lab's ports
 * (1936 the stats page, 9998 the master CLI, 9999 the runtime API) through HAProxy's variables,
 * to running programs (external checks, Lua), or to another file (a link, a directory). On one
 * running lab 02 with its reference solution, `lab apply` refuses each: exit 2, the message
 * names the line and why, no stack trace, and HAProxy keeps serving the previous file (the same
 * config id) with the stats page answering only with the password.
 */
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTO_PORTS,
  REPO_ROOT,
  describeRun,
  expectExit,
  get,
  parseJson,
  removeByLabel,
  requireDocker,
  runLab,
  skipNote,
  uniqueProject,
} from '../e2e/helpers.ts';

const engine = requireDocker();
const SOLUTION = join(REPO_ROOT, 'labs', '02-haproxy-config', 'solutions', 'haproxy.cfg');
const ESC = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each case: what the student's file becomes (appended to the solution, or made by `make`), and the message. */
const CASES: {
  name: string;
  append?: string;
  make?: (file: string) => Promise<void>;
  message: (file: string) => RegExp;
}[] = [
  {
    name: 'setenv to the stats port',
    append: 'global\n    setenv P 1936\nlisten mine\n    bind "*:${P}"\n',
    message: (f) =>
      new RegExp(`${ESC(f)}:\\d+: binds port 1936 \\(HAProxy reads it as "\\*:1936"\\), which is lab's stats page`),
  },
  {
    name: 'setenv to the runtime API port',
    append: 'global\n    setenv P 9999\nlisten mine\n    bind "127.0.0.1:$P"\n',
    message: (f) => new RegExp(`${ESC(f)}:\\d+: binds port 9999 .*HAProxy's runtime API`),
  },
  {
    name: 'presetenv to the master CLI port',
    append: 'global\n    unsetenv P\n    presetenv P 9998\nlisten mine\n    bind ":${P}"\n',
    message: (f) => new RegExp(`${ESC(f)}:\\d+: binds port 9998 .*HAProxy's master CLI`),
  },
  {
    name: 'presetenv of a variable lab cannot know',
    append: 'global\n    presetenv P 1936\nlisten mine\n    bind ":${P}"\n',
    message: (f) => new RegExp(`${ESC(f)}:\\d+: takes the address it binds from a variable lab cannot resolve \\(P`),
  },
  {
    name: "HAProxy's environment: HAPROXY_CLI",
    append: 'listen mine\n    bind "${HAPROXY_CLI}"\n',
    message: () => /binds port 9999 \(HAProxy reads it as "ipv4@127\.0\.0\.1:9999"\)/,
  },
  {
    name: "HAProxy's environment: HAPROXY_MASTER_CLI",
    append: 'listen mine\n    bind "${HAPROXY_MASTER_CLI}"\n',
    message: () => /binds port 9998 \(HAProxy reads it as "ipv4@127\.0\.0\.1:9998"\)/,
  },
  {
    name: "setenv of lab's stats password",
    append: 'global\n    setenv LAB_STATS_AUTH "x:y"\n',
    message: () => /setenv LAB_STATS_AUTH: lab's 00-lab\.cfg and HAProxy's master read this variable/,
  },
  {
    name: 'external-check',
    append:
      'global\n    insecure-fork-wanted\nbackend checked\n    option external-check\n    external-check command /bin/sh\n    server s1 app:8000 check\n',
    message: () =>
      /insecure-fork-wanted: lets HAProxy start programs[\s\S]*option external-check: starts a program for every health check[\s\S]*external-check command/,
  },
  {
    name: 'lua-load',
    append: 'global\n    lua-load /usr/local/etc/haproxy/haproxy.cfg\n',
    message: () => /lua-load: loads Lua code into HAProxy/,
  },
  {
    name: "a link to the container's /etc/shadow",
    make: async (file) => symlink('/etc/shadow', file),
    message: (f) => new RegExp(`${ESC(f)} is a symbolic link, not a regular file`),
  },
  {
    name: 'a directory',
    make: async (file) => mkdir(file),
    message: (f) => new RegExp(`${ESC(f)} is a directory, not a regular file`),
  },
];

describe.skipIf(!engine.ok)(`hostile: student files on a running lab 02${skipNote(engine)}`, () => {
  const project = uniqueProject();
  let student = '';
  let urls = { app: '', stats: '' };
  let solution = '';
  let served = '';
  const configId = async () => (await get(`${urls.stats.replace(/\/$/, '')}/lab/config-id`)).body.trim();
  beforeAll(async () => {
    const up = parseJson<{ studentConfig: string; urls: { app: string; stats: string } }>(
      expectExit(
        await runLab(['up', '02', '--replicas', '2', '--project', project, ...AUTO_PORTS, '--json'], {
          timeout: 150_000,
        }),
        0,
      ),
    );
    student = up.studentConfig;
    urls = up.urls;
    solution = await readFile(SOLUTION, 'utf8');
    await writeFile(student, solution);
    expectExit(await runLab(['apply', '02', '--project', project, '--no-grade']), 0);
    served = await configId();
  }, 200_000);
  afterAll(async () => {
    await runLab(['down', '02', '--project', project], { timeout: 60_000 }).catch(() => undefined);
    await removeByLabel(project);
  }, 90_000);

  for (const c of CASES) {
    it(`${c.name}: exit 2, HAProxy keeps the previous file, the stats page needs the password`, async () => {
      await rm(student, { recursive: true, force: true });
      if (c.make) await c.make(student);
      else await writeFile(student, `${solution}\n${c.append}`);
      try {
        const r = await runLab(['apply', '02', '--project', project]);
        expectExit(r, 2);
        expect(r.stderr, describeRun(r)).toMatch(c.message(student));
        expect(r.stderr).toMatch(/^✖ /m);
        expect(r.stderr).toContain('then run lab apply 02 again (HAProxy keeps running your previous configuration)');
        expect(r.stderr).not.toMatch(/^\s{4}at .+:\d+:\d+\)?$/m);
        expect(r.stdout.trim()).toBe('');
      } finally {
        await rm(student, { recursive: true, force: true });
        await writeFile(student, solution);
      }
      expect(await configId()).toBe(served);
      const anonymous = await Promise.all(Array.from({ length: 6 }, () => get(urls.stats)));
      expect(anonymous.map((h) => h.status)).toEqual([401, 401, 401, 401, 401, 401]);
      expect((await get(urls.stats, { auth: 'admin:admin' })).status).toBe(200);
      expect((await get(urls.app)).status).toBe(200);
    }, 60_000);
  }
});
