/**
 * A lab's own app image follows its build context: `lab up` builds it when it is missing or
 * was built from other files, and skips the build when it is current. (Compose 2.26 on its
 * own never rebuilds an image that exists, so a changed app would keep its old code.)
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  AUTO_PORTS,
  REPO_ROOT,
  cleanupLab,
  docker,
  expectExit,
  get,
  parseJson,
  requireDocker,
  runLab,
  skipNote,
  uniqueProject,
} from './helpers.ts';

const engine = requireDocker();

describe.skipIf(!engine.ok)(`lab up rebuilds a changed app${skipNote(engine)}`, () => {
  it('builds a missing image, skips a current one, rebuilds a changed one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lab-e2e-rebuild-'));
    const tag = `lab-e2e/rebuild:${process.pid}`;
    const p = uniqueProject();
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    cleanupLab('92-rebuild', p, {
      env: { LAB_LABS_DIR: join(dir, 'labs') },
      after: () => docker(['image', 'rm', '-f', tag]),
    });

    // Lab 03 with the app's build context copied to a folder this test may change.
    await cp(join(REPO_ROOT, 'compose', 'whoami'), join(dir, 'app'), { recursive: true });
    const lab03 = await readFile(join(REPO_ROOT, 'labs', '03-load-balancing', 'lab.yaml'), 'utf8');
    await mkdir(join(dir, 'labs', '92-rebuild'), { recursive: true });
    await writeFile(
      join(dir, 'labs', '92-rebuild', 'lab.yaml'),
      lab03
        .replace('id: 03-load-balancing', 'id: 92-rebuild')
        .replace('image: lab/whoami:1', `image: ${tag}`)
        .replace('context: ../../compose/whoami', 'context: ../../app'),
    );
    const env = { LAB_LABS_DIR: join(dir, 'labs') };
    const appUrl = async () =>
      parseJson(
        expectExit(await runLab(['up', '92', '--project', p, '--replicas', '1', '--json', ...AUTO_PORTS], { env }), 0),
      ).urls.app as string;
    const composeArgs = async () => {
      const r = expectExit(
        await runLab(['up', '92', '--project', p, '--replicas', '1', '--verbose', ...AUTO_PORTS], { env }),
        0,
      );
      return /docker compose .* up .*/.exec(r.stderr)?.[0] ?? '';
    };

    expect(await composeArgs(), 'a missing image is built').toMatch(/--build\b/);
    expect(await composeArgs(), 'a current image is not rebuilt').toMatch(/--no-build\b/);
    const before = (await get(await appUrl())).body;
    expect(before).not.toContain('rebuilt');

    const server = join(dir, 'app', 'server.mjs');
    await writeFile(server, (await readFile(server, 'utf8')).replace('`replica: ', '`rebuilt: yes\\nreplica: '));
    expect(await composeArgs(), 'a changed build context is rebuilt').toMatch(/--build\b/);
    expect((await get(await appUrl())).body, 'the new code runs').toContain('rebuilt: yes');
  }, 120_000);
});
