import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { render } from '../../src/commands/render.ts';
import { hashBuildContext } from '../../src/config/build-hash.ts';
import { fakeContext } from '../helpers/fake-context.ts';
import { WHOAMI_CONTEXT } from '../helpers/lab03.ts';
import { tmpDir } from '../helpers/tmp.ts';

/** `lab render <lab> --target swarm`: the files `lab up --target swarm` deploys, written and nothing deployed. */
describe('lab render --target swarm', () => {
  it("writes lab 09's stack file and haproxy.cfg (snapshots), the app under its build-hash tag", async () => {
    const home = await tmpDir('lab-render-swarm-');
    const { ctx, stdout } = fakeContext(true, { env: { LAB_HOME: home } });
    await render(ctx, { lab: '09', target: 'swarm', image: ['haproxy:3.0=lab-local/haproxy:3.0'] });
    const data = JSON.parse(stdout.text);
    const ws = join(home, 'workspaces', 'lab-09-multi-zone');
    const hash = hashBuildContext(WHOAMI_CONTEXT);
    expect(data).toMatchObject({
      target: 'swarm',
      files: { stack: join(ws, 'stack.yml'), haproxy: join(ws, 'haproxy', 'haproxy.cfg') },
      images: [`lab/whoami:1-${hash}`, 'lab-local/haproxy:3.0'],
    });
    const stable = (s: string) => s.replaceAll(ws, '<workspace>').replaceAll(hash, '<build-hash>');
    await expect(stable(await readFile(data.files.stack, 'utf8'))).toMatchFileSnapshot(
      '__snapshots__/render-stack/lab09-render.stack.yml',
    );
    await expect(await readFile(data.files.haproxy, 'utf8')).toMatchFileSnapshot(
      '__snapshots__/render-stack/lab09-render.haproxy.cfg',
    );
  });

  it.each([
    ['an auto port', { lab: '09', appPort: 'auto' }, /--app-port auto is not supported with --target swarm/],
    ['a lab of what Swarm does not run', { lab: '06' }, /uses what --target swarm does not run yet/],
    ['a bad zone label', { lab: '09', zoneLabel: 'no spaces' }, /--zone-label "no spaces" must be a node label name/],
  ])('%s exits 2 and writes nothing', async (_name, opts, message) => {
    const home = await tmpDir('lab-render-swarm-');
    const { ctx } = fakeContext(false, { env: { LAB_HOME: home } });
    await expect(render(ctx, { target: 'swarm', ...opts })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(message),
    });
    await expect(readFile(join(home, 'workspaces', 'lab-09-multi-zone', 'stack.yml'))).rejects.toThrow(/ENOENT/);
  });
});
