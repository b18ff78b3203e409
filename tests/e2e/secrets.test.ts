/**
 * The stats password on disk: only in files private to the user (0600, in a 0700 workspace),
 * never in haproxy.cfg, and HAProxy still gets it when it runs as the official image runs it,
 * as uid 99, which cannot read a file private to the host user.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AUTO_PORTS,
  FIXTURES,
  cleanupLab,
  docker,
  expectExit,
  get,
  labHome,
  parseJson,
  requireDocker,
  runLab,
  skipNote,
  uniqueProject,
} from './helpers.ts';

const engine = requireDocker();
const PASSWORD = 'Xk3-not-in-cfg';
const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe.skipIf(!engine.ok)(`the stats password${skipNote(engine)}`, () => {
  it('is written 0600 only, and HAProxy running as uid 99 serves the stats page with it', async () => {
    const p = uniqueProject();
    const tag = `lab-e2e/haproxy-uid99:${process.pid}`;
    const built = await docker(['build', '-q', '-t', tag, join(FIXTURES, 'haproxy-uid99')], { timeout: 120_000 });
    expect(built.exitCode, built.stderr).toBe(0);
    cleanupLab('03', p, { after: () => docker(['image', 'rm', '-f', tag]) });
    const r = expectExit(
      await runLab([
        'up',
        '03',
        '--replicas',
        '2',
        '--project',
        p,
        ...AUTO_PORTS,
        '--stats-password',
        PASSWORD,
        '--image',
        `haproxy:3.0=${tag}`,
        '--json',
      ]),
      0,
    );
    const j = parseJson<{ workspace: string; urls: { stats: string } }>(r);

    // HAProxy really ran as uid 99, and still had the password: up waited on its stats page.
    const haproxy = (
      await docker([
        'ps',
        '-q',
        '--filter',
        `label=lab.project=${p}`,
        '--filter',
        'label=com.docker.compose.service=haproxy',
      ])
    ).stdout;
    expect((await docker(['inspect', '--format', '{{.Config.User}}', haproxy])).stdout).toBe('99:99');
    expect((await get(j.urls.stats, { auth: `admin:${PASSWORD}` })).status).toBe(200);
    expect((await get(j.urls.stats, { auth: 'admin:admin' })).status).toBe(401);

    const ws = j.workspace;
    expect(ws).toBe(join(labHome(), 'workspaces', p));
    expect(await mode(ws)).toBe(0o700);
    for (const file of ['lab.json', 'haproxy.env']) {
      expect(await mode(join(ws, file)), file).toBe(0o600);
      expect(await readFile(join(ws, file), 'utf8'), file).toContain(PASSWORD);
    }
    for (const file of ['haproxy/haproxy.cfg', 'compose.yaml', 'lab-files.json'])
      expect(await readFile(join(ws, file), 'utf8'), file).not.toContain(PASSWORD);
  }, 120_000);
});
