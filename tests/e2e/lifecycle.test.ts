/**
 * The student path, end to end, on the real engine: up, traffic spread, status, scale out and
 * in, converge, change algorithm, logs, down.
 */
import { describe, expect, it } from 'vitest';
import {
  ANSI,
  AUTO_PORTS,
  cleanupLab,
  describeRun,
  expectExit,
  hitApp,
  labObjects,
  parseJson,
  requireDocker,
  runLab,
  serviceContainers,
  skipNote,
  step,
  uniqueProject,
  type LabResult,
} from './helpers.ts';

const engine = requireDocker();

interface StatusJson {
  outcome: string;
  options: { algorithm: string; replicas: number } | null;
  containers: { name: string; service: string; state: string; ip: string | null }[];
  servers: { server: string; addr: string | null; container: string | null; status: string; check: string | null }[];
}

/** Servers UP in `lab status --json`, each joined to a container of the project. */
function upServers(s: StatusJson) {
  return s.servers.filter((x) => x.status.startsWith('UP'));
}

async function status(project: string): Promise<StatusJson> {
  return parseJson<StatusJson>(expectExit(await runLab(['status', '03', '--project', project, '--json']), 0));
}

describe.skipIf(!engine.ok).sequential(`lab lifecycle on the real engine${skipNote(engine)}`, () => {
  it('up 3 → spread → status → scale 5 → scale 2 → converge → leastconn → logs → down', async () => {
    const p = uniqueProject();
    cleanupLab('03', p);
    const upArgs = ['up', '03', '--replicas', '3', '--project', p, ...AUTO_PORTS, '--json'];

    const app = await step('up --replicas 3', async () => {
      const r = expectExit(await runLab(upArgs), 0);
      // Exactly one JSON object on stdout: parse succeeds on the whole text.
      const j = parseJson<{
        outcome: string;
        project: string;
        urls: { app: string; stats: string };
        servers: { container?: string }[];
      }>(r);
      expect(j.outcome).toBe('success');
      expect(j.project).toBe(p);
      expect(j.urls.app).toMatch(/^http:\/\/(localhost|127\.0\.0\.1):\d+\/$/);
      expect(j.urls.stats).toMatch(/^http:\/\/(localhost|127\.0\.0\.1):\d+\/$/);
      expect(j.servers).toHaveLength(3);
      return j.urls.app;
    });

    await step('30 requests reach 3 replicas', async () => {
      const t = await hitApp(app, 30);
      expect(t.errors).toEqual([]);
      expect(t.statuses).toEqual({ 200: 30 });
      expect(Object.keys(t.servedBy)).toHaveLength(3);
      expect(Object.keys(t.replicas).sort()).toEqual(['1', '2', '3']);
    });

    await step('status --json: 3 UP joined to containers', async () => {
      const s = await status(p);
      expect(s.outcome).toBe('success');
      const apps = s.containers.filter((c) => c.service === 'app');
      expect(apps).toHaveLength(3);
      const up = upServers(s);
      expect(up).toHaveLength(3);
      expect(up.map((x) => x.container).sort()).toEqual(apps.map((c) => c.name).sort());
      for (const x of up) expect(x.check).toMatch(/L7OK/);
    });

    await step('scale 5', async () => {
      expectExit(await runLab(['scale', '03', '5', '--project', p]), 0);
      const s = await status(p);
      expect(upServers(s)).toHaveLength(5);
      expect(upServers(s).every((x) => x.container !== null)).toBe(true);
      const t = await hitApp(app, 30);
      expect(t.errors).toEqual([]);
      expect(Object.keys(t.servedBy)).toHaveLength(5);
      expect(Object.keys(t.replicas).sort()).toEqual(['1', '2', '3', '4', '5']);
    });

    await step('scale 2', async () => {
      expectExit(await runLab(['scale', '03', '2', '--project', p]), 0);
      const s = await status(p);
      expect(upServers(s)).toHaveLength(2);
      expect(await serviceContainers(p, 'app')).toHaveLength(2);
      const t = await hitApp(app, 10);
      expect(t.statuses).toEqual({ 200: 10 });
      expect(Object.keys(t.servedBy)).toHaveLength(2);
    });

    await step('up again with the same options converges', async () => {
      const r = expectExit(await runLab(['up', '03', '--replicas', '2', '--project', p, ...AUTO_PORTS, '--json']), 0);
      expect(parseJson(r).outcome).toBe('success');
      expect(await serviceContainers(p, 'app')).toHaveLength(2);
      expect(await serviceContainers(p, 'haproxy')).toHaveLength(1);
      expect((await labObjects(p)).containers).toHaveLength(3);
    });

    const app2 = await step('up --algorithm leastconn converges', async () => {
      const r = expectExit(
        await runLab([
          'up',
          '03',
          '--replicas',
          '2',
          '--algorithm',
          'leastconn',
          '--project',
          p,
          ...AUTO_PORTS,
          '--json',
        ]),
        0,
      );
      const j = parseJson<{ urls: { app: string }; options: { algorithm: string } }>(r);
      expect(j.options.algorithm).toBe('leastconn');
      const s = await status(p);
      expect(s.options?.algorithm).toBe('leastconn');
      expect(upServers(s)).toHaveLength(2);
      expect(await serviceContainers(p, 'app')).toHaveLength(2);
      expect(await serviceContainers(p, 'haproxy')).toHaveLength(1);
      return j.urls.app;
    });

    await step('traffic still flows after the algorithm change', async () => {
      const t = await hitApp(app2, 10);
      expect(t.statuses).toEqual({ 200: 10 });
    });

    await step('logs haproxy --tail 5', async () => {
      const r = expectExit(await runLab(['logs', '03', 'haproxy', '--project', p, '--tail', '5']), 0);
      const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
      expect(lines.length, describeRun(r)).toBeGreaterThan(0);
      expect(lines.length, describeRun(r)).toBeLessThanOrEqual(5);
      expect(r.stdout, describeRun(r)).toMatch(/haproxy/);
      // Lines were printed: lab must not also claim there are none.
      expect(r.stdout + r.stderr).not.toMatch(/has no logs/);
    });

    await step('down removes everything', async () => {
      const r = expectExit(await runLab(['down', '03', '--project', p]), 0);
      expect(r.stdout).toMatch(new RegExp(`${p} is down`));
      expect(await labObjects(p)).toEqual({ containers: [], networks: [], volumes: [] });
    });

    await step('second down: not running, exit 0', async () => {
      const r: LabResult = expectExit(await runLab(['down', '03', '--project', p]), 0);
      expect(r.stdout).toMatch(/not running/);
    });
  }, 180_000);

  it('text mode: progress on stderr, results on stdout, no ANSI escapes with NO_COLOR', async () => {
    const p = uniqueProject();
    cleanupLab('03', p);
    const r = expectExit(await runLab(['up', '03', '--replicas', '1', '--project', p, ...AUTO_PORTS]), 0);
    expect(r.stdout).toMatch(/^\s*App:\s+http:\/\/(localhost|127\.0\.0\.1):\d+\/\s*$/m);
    expect(r.stdout).toMatch(/^\s*Stats:\s+http:\/\/(localhost|127\.0\.0\.1):\d+\//m);
    expect(r.stdout).toMatch(/Lab 03-load-balancing is up/);
    // Progress is on stderr only.
    expect(r.stderr).toMatch(/Checking the Docker engine/);
    expect(r.stderr).toMatch(/HAProxy has 1 replica\(s\) UP/);
    expect(r.stdout).not.toMatch(/Checking the Docker engine|Waiting for HAProxy/);
    expect(r.stdout, 'stdout has ANSI escapes').not.toMatch(ANSI);
    expect(r.stderr, 'stderr has ANSI escapes').not.toMatch(ANSI);
    // The printed URL works.
    const url = /App:\s+(\S+)/.exec(r.stdout)![1]!;
    const t = await hitApp(url, 3);
    expect(t.statuses).toEqual({ 200: 3 });

    const d = expectExit(await runLab(['down', '03', '--project', p]), 0);
    expect(d.stdout).not.toMatch(ANSI);
    expect(d.stderr).toMatch(/Removed \d+ container/);
  }, 90_000);
});
