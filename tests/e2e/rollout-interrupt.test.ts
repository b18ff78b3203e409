/**
 * Ctrl-C the way a terminal sends it (SIGINT to the foreground process group: lab and every
 * child it did not put in a group of its own) at the worst moment of `lab rollout`: the moment
 * Compose creates a replacement replica, after the old one was removed. Five times on one lab 08
 * with its reference solution, under `lab load`: each time lab finishes the batch and exits 130,
 * every replica is running and UP in HAProxy, and no request fails.
 */
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  AUTO_PORTS,
  BIN,
  REPO_ROOT,
  describeRun,
  expectExit,
  labEnv,
  parseJson,
  poll,
  removeByLabel,
  requireDocker,
  runLab,
  settle,
  skipNote,
  spawnLab,
  uniqueProject,
} from './helpers.ts';

const engine = requireDocker();

interface Status {
  containers: { name: string; service: string; state: string; version: string | null }[];
  servers: { status: string; container: string | null }[];
}

/** The first `create` of one of the project's app containers, from docker events (started before the rollout). */
function firstAppCreate(project: string): { seen: Promise<string>; stop: () => void } {
  const events = execa(
    'docker',
    [
      'events',
      '--filter',
      'type=container',
      '--filter',
      'event=create',
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--filter',
      'label=com.docker.compose.service=app',
      '--format',
      '{{.Actor.Attributes.name}}',
    ],
    { reject: false, buffer: false },
  );
  const seen = new Promise<string>((resolve) => {
    let text = '';
    events.stdout?.on('data', (d: Buffer) => {
      text += d.toString();
      // The CLI may write the name and its newline in two writes: the name is enough.
      const name = text.trim().split('\n')[0];
      if (name) resolve(name);
    });
  });
  return { seen, stop: () => void events.kill('SIGKILL') };
}

describe.skipIf(!engine.ok)(`lab rollout interrupted as a terminal does${skipNote(engine)}`, () => {
  const project = uniqueProject();
  beforeAll(async () => {
    expectExit(await runLab(['up', '08', '--project', project, ...AUTO_PORTS], { timeout: 120_000 }), 0);
    expectExit(await runLab(['solve', '08', 'zero-downtime', '--project', project], { timeout: 60_000 }), 0);
    // The replicas pass the solution's checks before the load starts: the reload of solve keeps
    // the servers' state (a replica still starting stays DOWN until it rises), and a 503 then is
    // the start of the lab, not the rollout this test is about.
    const st = await poll(
      async () =>
        parseJson<Status>(
          expectExit(await runLab(['status', '08', '--project', project, '--json'], { timeout: 30_000 }), 0),
        ),
      (x) => x.servers.filter((s) => s.container !== null && s.status === 'UP').length === 3,
      30_000,
      500,
    );
    expect(st.servers.filter((s) => s.container !== null).map((s) => s.status)).toEqual(['UP', 'UP', 'UP']);
  }, 200_000);
  afterAll(async () => {
    await runLab(['down', '08', '--project', project], { timeout: 60_000 }).catch(() => undefined);
    await removeByLabel(project);
  }, 90_000);

  it('SIGINT to the process group when a replacement is created, 5 times: exit 130, every replica UP, 0 requests failed', async () => {
    const load = spawnLab(['load', '08', '--project', project, '--rate', '20', '--duration', '900', '--json'], {
      timeout: 900_000,
    });
    onTestFinished(() => void load.kill('SIGKILL'));
    const exits: number[] = [];
    for (let k = 0; k < 5; k++) {
      const to = k % 2 === 0 ? 'v2' : 'v1';
      const watch = firstAppCreate(project);
      onTestFinished(watch.stop);
      const args = ['rollout', '08', 'app', '--to', to, '--project', project];
      // A process group of its own, as a shell gives a foreground job; the signal goes to the group.
      const child = execa(process.execPath, [BIN, ...args], {
        env: labEnv(),
        extendEnv: false,
        reject: false,
        timeout: 180_000,
        cwd: REPO_ROOT,
        stdin: 'ignore',
        detached: true,
      });
      const created = await Promise.race([watch.seen, child.then(() => '')]);
      if (!created) expect.fail(`no app container was created\n${describeRun(await settle(child as never, args))}`);
      try {
        process.kill(-child.pid!, 'SIGINT');
      } catch (e) {
        throw new Error(
          `could not signal lab's process group (${(e as Error).message}) after ${created} was created\n${describeRun(await settle(child as never, args))}`,
        );
      }
      const r = await settle(child as never, args);
      watch.stop();
      exits.push(r.exitCode ?? -1);
      expect(r.timedOut, describeRun(r)).toBe(false);
      expectExit(r, 130);
      expect(r.stderr).not.toMatch(/docker compose up failed/);
      // The solution's `observe layer4 ... on-error mark-down` may take a just-checked replica out
      // for a moment (one refused connection) and its fast checks bring it back: UP within 10 s.
      const readStatus = async () =>
        parseJson<Status>(
          expectExit(await runLab(['status', '08', '--project', project, '--json'], { timeout: 30_000 }), 0),
        );
      const allUp = (st: Status) => st.servers.filter((s) => s.container !== null).every((s) => s.status === 'UP');
      const status = await poll(readStatus, allUp, 10_000, 500);
      const apps = status.containers.filter((c) => c.service === 'app');
      expect(
        apps.map((c) => c.state),
        describeRun(r),
      ).toEqual(['running', 'running', 'running']);
      expect(
        apps.map((c) => c.version),
        describeRun(r),
      ).toContain(to);
      expect(
        status.servers.filter((s) => s.container !== null).map((s) => s.status),
        JSON.stringify(status.servers),
      ).toEqual(['UP', 'UP', 'UP']);
      // Each replica's version is in the message (the interrupt came inside a batch, not after the last).
      if (/Interrupted: \d+ of/.test(r.stderr))
        for (const c of apps) expect(r.stderr).toContain(`app/${c.name.split('-').pop()}: ${c.version}`);
    }
    load.kill('SIGINT');
    const sent = parseJson<{ sent: number; failed: number; failures: unknown; errors: string[] }>(
      await settle(load, ['load']),
    );
    console.log(
      `[rollout interrupts] exits ${exits.join(', ')}; lab load sent ${sent.sent}, failed ${sent.failed} ${JSON.stringify(sent.failures)} ${sent.errors.join('; ')}`,
    );
    expect(sent.sent).toBeGreaterThan(0);
    expect(sent.failed).toBe(0);
  }, 900_000);
});
