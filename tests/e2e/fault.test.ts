/**
 * lab fault on the real engine: faults go into one replica through its unpublished control
 * port (or the engine), HAProxy reacts to them, lab status shows them, and clear undoes them.
 */
import { describe, expect, it } from 'vitest';
import { startSshd, sshdUnavailable } from './fleet-sshd.ts';
import {
  AUTO_PORTS,
  cleanupLab,
  expectExit,
  hitApp,
  parseJson,
  poll,
  requireDocker,
  runLab,
  skipNote,
  step,
  uniqueProject,
} from './helpers.ts';

const engine = requireDocker();

interface Status {
  containers: { name: string; service: string; state: string }[];
  servers: { server: string; container: string | null; status: string }[];
  faults: { container: string; replica: number; state: string; faults: string[] }[];
}

describe.skipIf(!engine.ok)(`lab fault${skipNote(engine)}`, () => {
  it('injects a fault into one replica, HAProxy and lab status see it, clear undoes it; bad arguments change nothing', async () => {
    const project = uniqueProject();
    cleanupLab('03', project);
    const lab = (...args: string[]) => runLab([...args, '--project', project]);
    const up = parseJson<{ urls: { app: string } }>(
      expectExit(await runLab(['up', '03', '--replicas', '2', '--project', project, ...AUTO_PORTS, '--json']), 0),
    );
    const victim = `${project}-app-1`;
    const status = async () => parseJson<Status>(expectExit(await lab('status', '03', '--json'), 0));
    const serverOf = (s: Status) => s.servers.find((x) => x.container === victim);
    const faultsOf = (s: Status) => s.faults.find((f) => f.container === victim)?.faults ?? [];
    /** Poll lab status until HAProxy shows the victim's server in a status starting with `want`. */
    const untilServer = async (want: string) => {
      const s = await poll(status, (x) => Boolean(serverOf(x)?.status.startsWith(want)), 20_000, 500);
      expect(serverOf(s)?.status, JSON.stringify(s.servers)).toMatch(new RegExp(`^${want}`));
      return s;
    };

    await step('bad arguments exit 2 and change nothing', async () => {
      const bad = expectExit(await lab('fault', '03', 'app/1', 'latency=abc'), 2);
      expect(bad.stderr).toMatch(/latency must be whole milliseconds from 0 to 60000 \(got "abc"\)/);
      expect(bad.stderr).toMatch(/latency=MS, errors=RATE, hang, unhealthy, kill, pause, clear/);
      expect(expectExit(await lab('fault', '03', 'app/1', 'errors=2'), 2).stderr).toMatch(
        /errors must be a rate from 0 to 1/,
      );
      expect(expectExit(await lab('fault', '03', 'app/7', 'hang'), 2).stderr).toMatch(
        /app has no replica 7: its replicas are 1, 2/,
      );
      expect(expectExit(await lab('fault', '03', 'haproxy', 'kill'), 2).stderr).toMatch(
        /Unknown service "haproxy".*app/,
      );
      expect(expectExit(await lab('fault', '03', 'app/1', 'explode'), 2).stderr).toMatch(/unknown fault "explode"/);
      const s = await status();
      expect(s.faults.map((f) => f.faults)).toEqual([[], []]);
      expect(s.containers.every((c) => c.state === 'running')).toBe(true);
    });

    await step(
      'unhealthy: HAProxy marks the replica DOWN, status shows the fault, clear brings it back UP',
      async () => {
        const r = parseJson<{ replicas: { container: string; faults: string[] }[] }>(
          expectExit(await lab('fault', '03', 'app/1', 'unhealthy', '--json'), 0),
        );
        expect(r.replicas).toEqual([
          expect.objectContaining({ container: victim, faults: ['unhealthy (health 503)'] }),
        ]);
        const s = await untilServer('DOWN');
        expect(faultsOf(s)).toEqual(['unhealthy (health 503)']);
        expect((await lab('status', '03')).stdout).toMatch(new RegExp(`app/1 +${victim} +unhealthy \\(health 503\\)`));
        expectExit(await lab('fault', '03', 'app/1', 'clear'), 0);
        expect(faultsOf(await untilServer('UP'))).toEqual([]);
      },
    );

    // Lab 03's haproxy.cfg has `retry-on all-retryable-errors`, which includes 500
    // (https://docs.haproxy.org/3.0/configuration.html#4.2-retry-on): HAProxy replays a GET
    // that failed on the sick replica on the healthy one, so the client sees no error at all.
    await step(
      'errors=1: the replica fails every request it gets, and HAProxy retries each on the other one',
      async () => {
        expectExit(await lab('fault', '03', 'app/1', 'errors=1'), 0);
        const server = serverOf(await status())!.server;
        const t = await hitApp(up.urls.app, 20);
        expect(t.errors).toEqual([]);
        expect(t.statuses, JSON.stringify(t)).toEqual({ 200: 20 });
        expect(t.servedBy[server] ?? 0, 'an answer came from the failing replica').toBe(0);
        const failed = faultsOf(await status());
        expect(failed, 'the failing replica got no request to fail').toHaveLength(1);
        const [, n, of] = /^errors 100% \((\d+) of (\d+) failed\)$/.exec(failed[0]!) ?? [];
        expect(Number(n), failed[0]).toBeGreaterThan(0);
        expect(n).toBe(of);
        expectExit(await lab('fault', '03', 'app/1', 'clear'), 0);
        expect((await hitApp(up.urls.app, 10)).statuses).toEqual({ 200: 10 });
      },
    );

    await step('pause: the container is paused and HAProxy takes it out; clear unpauses it', async () => {
      expectExit(await lab('fault', '03', 'app/1', 'pause'), 0);
      const s = await untilServer('DOWN');
      expect(s.containers.find((c) => c.name === victim)?.state).toBe('paused');
      expect(faultsOf(s)).toEqual(['paused']);
      expectExit(await lab('fault', '03', 'app', 'clear'), 0);
      const back = await untilServer('UP');
      expect(back.containers.find((c) => c.name === victim)?.state).toBe('running');
      expect(back.faults.map((f) => f.faults)).toEqual([[], []]);
    });
  }, 240_000);

  const noSshd = engine.ok ? sshdUnavailable() : '';
  it.skipIf(Boolean(noSshd))(
    `reaches the unpublished control port on a remote engine (--host ssh://)${noSshd ? ` (skipped: ${noSshd})` : ''}`,
    async () => {
      const sshd = await startSshd();
      const project = uniqueProject();
      try {
        cleanupLab('03', project, { env: sshd.env });
        const lab = (...args: string[]) =>
          runLab(['--host', sshd.host, ...args, '--project', project], { env: sshd.env });
        expectExit(await lab('up', '03', '--replicas', '2', '--pull', 'never', ...AUTO_PORTS), 0);
        const r = parseJson<{ replicas: { replica: number; faults: string[] }[] }>(
          expectExit(await lab('fault', '03', 'app/2', 'latency=150', '--json'), 0),
        );
        expect(r.replicas).toEqual([expect.objectContaining({ replica: 2, faults: ['latency 150 ms'] })]);
        const s = parseJson<Status>(expectExit(await lab('status', '03', '--json'), 0));
        expect(s.faults.map((f) => [f.replica, f.faults])).toEqual([
          [1, []],
          [2, ['latency 150 ms']],
        ]);
      } finally {
        await sshd.stop();
      }
    },
    180_000,
  );
});
