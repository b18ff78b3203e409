/**
 * `lab up|status|check|scale|logs|reset|down --target swarm` with lab 09 on a real 3-node Docker Swarm that the test brings up in
 * network namespaces on this machine (tests/swarm/harness.sh; the machine's own engine is
 * never part of it), with the images on the manager only (lab copies them to the other nodes): six replicas spread two per zone, every node's HAProxy sees all six UP,
 * requests through one node reach every replica, the zone drill drains zone c under load with
 * no failed request and gives it back with replicas on every zone, a crash of zone c's node (the
 * harness kills it) fails within lab 09's share (1.5%) with all six UP on zones a and b, bad input exits 2/3 with nothing
 * deployed or drained, and down removes the stack. The swarm is torn down also when a test fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harnessCommand, harnessMissing, NODE_ADDRS, NODE_HOSTS, swarmDown, swarmUp } from '../swarm/harness.ts';
import { hashBuildContext } from '../../src/config/build-hash.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeRun,
  docker,
  expectExit,
  LOCAL_HAPROXY,
  LOCAL_NODE,
  labHome,
  parseJson,
  REPO_ROOT,
  requireDocker,
  runLab,
  skipNote,
} from './helpers.ts';

const engine = requireDocker();
const missing = engine.ok ? harnessMissing() : engine.reason;
const ci = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase());
if (missing && ci && engine.ok) throw new Error(`The swarm e2e test needs its harness in CI: ${missing}`);
if (missing) console.warn(`[e2e] skipping the swarm test: ${missing}`);

/** lab 09's app under the build-hash tag lab up gives it (core/swarm-images.ts hashTagged). */
const WHOAMI = join(REPO_ROOT, 'compose', 'whoami');
const APP_IMAGE = `lab/whoami:1-${hashBuildContext(WHOAMI)}`;
const PROJECT = 'e2e-swarm';
let host = '';
const lab = (args: string[]) => runLab(['--host', host, ...args, '--project', PROJECT], { timeout: 90_000 });

describe.skipIf(Boolean(missing))(
  `lab on a 3-node swarm${missing ? ` (skipped: ${missing})` : skipNote(engine)}`,
  () => {
    beforeAll(async () => {
      // As on a classroom swarm: the images on the manager only, and lab up copies them to the
      // other nodes (--node-host). The app is built here under the tag lab up would build it
      // with on the manager: that build took 20-25 s of a loaded CI machine, over this file's budget.
      if ((await docker(['image', 'inspect', APP_IMAGE])).exitCode !== 0) {
        const built = await docker(
          ['build', '-q', '--build-arg', `BASE_IMAGE=${LOCAL_NODE}`, '-t', APP_IMAGE, WHOAMI],
          { timeout: 120_000 },
        );
        if (built.exitCode !== 0) throw new Error(`could not build ${APP_IMAGE}: ${built.stderr}`);
      }
      const s = await swarmUp([LOCAL_HAPROXY, APP_IMAGE], true);
      host = s.host;
      console.info(`[swarm] harness up ${Math.round(s.upMs)} ms, images loaded ${Math.round(s.imagesMs)} ms`);
    }, 300_000);
    afterAll(async () => {
      // Also after a crash: down waits only on the nodes that are up.
      // Down waits up to 60 s for the tasks, then 30 s for the networks.
      if (host)
        await runLab(['--host', host, 'down', '09', '--target', 'swarm', '--project', PROJECT], { timeout: 100_000 });
      console.info(`[swarm] harness down ${Math.round(await swarmDown())} ms`);
    }, 150_000);

    it('doctor --target swarm: manager, 3 nodes, zones a/b/c, images, ports', async () => {
      const data = parseJson(expectExit(await runLab(['--host', host, '--json', 'doctor', '--target', 'swarm']), 0));
      expect(Object.fromEntries(data.checks.map((c: { name: string; status: string }) => [c.name, c.status]))).toEqual({
        'swarm manager': 'ok',
        nodes: 'ok',
        'zone labels': 'ok',
        images: 'warn',
        ports: 'ok',
      });
      // With --node-host lab asks every node's own engine: the images are on the manager only so far.
      const onNodes = parseJson(
        expectExit(
          await runLab(['--host', host, '--json', 'doctor', '--target', 'swarm', '--node-host', NODE_HOSTS]),
          0,
        ),
      );
      const images = onNodes.checks.find((c: { name: string }) => c.name === 'images');
      expect(images.status).toBe('warn');
      const lacks = (node: string) =>
        images.detail.split('; ').find((part: string) => part.startsWith(`${node} lacks `)) ?? '';
      expect(lacks('n2')).toContain(APP_IMAGE);
      expect(lacks('n3')).toContain(APP_IMAGE);
      expect(lacks('n1')).toBe('');
      expect(expectExit(await runLab(['--host', host, 'doctor', '--node-host', NODE_HOSTS]), 2).stderr).toMatch(
        /--node-host .* needs --target swarm/,
      );
    });

    it('refuses what Swarm cannot do before deploying: --app-port auto exits 2, nothing deployed', async () => {
      const r = expectExit(await lab(['up', '09', '--target', 'swarm', '--app-port', 'auto']), 2);
      expect(r.stderr).toMatch(/--app-port auto is not supported with --target swarm/);
      const services = await docker(['-H', host, 'service', 'ls', '-q']);
      expect(services.stdout.trim()).toBe('');
    });

    it('lab 09 on one engine, and --zone-loss without --target swarm, exit 2 pointing to --target swarm', async () => {
      expect(expectExit(await runLab(['up', '09', '--project', `${PROJECT}-x`]), 2).stderr).toMatch(
        /runs only on a Docker Swarm[\s\S]*lab up 09 --target swarm/,
      );
      expect(
        expectExit(await runLab(['check', '03', '--zone-loss', 'c', '--project', `${PROJECT}-x`]), 2).stderr,
      ).toMatch(/--zone-loss needs --target swarm/);
    });

    it('up 09: finds the app on the manager under its build-hash tag, copies both images to n2 and n3; six replicas two per zone, every HAProxy sees six UP, traffic through one node reaches all six', async () => {
      expectExit(await lab(['up', '09', '--target', 'swarm', '--node-host', 'n9=unix:///run/nowhere.sock']), 2);
      const r = expectExit(
        await lab(['--json', 'up', '09', '--target', 'swarm', '--timeout', '60', '--node-host', NODE_HOSTS]),
        0,
      );
      const data = parseJson(r);
      console.info(
        `[swarm] lab up: images ${data.timingsMs.imagesMs} ms, deploy ${data.timingsMs.deployMs} ms, ready ${data.timingsMs.readyMs} ms, total ${data.timingsMs.totalMs} ms`,
      );
      expect(data.images).toEqual({
        built: [],
        copied: [
          { node: 'n2', images: [APP_IMAGE, LOCAL_HAPROXY] },
          { node: 'n3', images: [APP_IMAGE, LOCAL_HAPROXY] },
        ],
        unreached: [],
      });
      expect(data.replicasPerZone, describeRun(r)).toEqual({ a: 2, b: 2, c: 2 });
      expect(data.haproxies).toHaveLength(3);
      for (const h of data.haproxies) {
        expect(h.servers.filter((s: { checked: boolean }) => s.checked)).toHaveLength(6);
        expect(new Set(h.servers.map((s: { zone: string }) => s.zone))).toEqual(new Set(['a', 'b', 'c']));
      }
      const seen = new Set<string>();
      for (let i = 0; i < 12; i++) {
        const res = await fetch(`http://${NODE_ADDRS[1]}:8080/`, {
          headers: { connection: 'close' },
          signal: AbortSignal.timeout(3000),
        });
        expect(res.status).toBe(200);
        seen.add(res.headers.get('x-served-by') ?? '');
      }
      expect(seen.size).toBe(6);
    }, 120_000);

    it('status joins nodes, zones and tasks to each HAProxy; a non-manager engine exits 3', async () => {
      const data = parseJson(expectExit(await lab(['--json', 'status', '09', '--target', 'swarm']), 0));
      expect(
        data.nodes.map((n: { node: string; zone: string; replicas: number }) => [n.node, n.zone, n.replicas]),
      ).toEqual([
        ['n1', 'a', 2],
        ['n2', 'b', 2],
        ['n3', 'c', 2],
      ]);
      const r = expectExit(await runLab(['up', '09', '--target', 'swarm', '--project', `${PROJECT}-x`]), 3);
      expect(r.stderr).toMatch(/is not part of a Docker Swarm/);
      // Two lab runs: over vitest's default 20 s on a loaded machine (a run saw it time out, and
      // the status still running then held the lab's lock against the next test's drill).
    }, 60_000);

    it("doctor --node-host after up copied the images: every node has them (the ports are the running lab's: exit 3)", async () => {
      const data = parseJson(
        expectExit(
          await runLab(['--host', host, '--json', 'doctor', '--target', 'swarm', '--node-host', NODE_HOSTS]),
          3,
        ),
      );
      const check = (name: string) => data.checks.find((c: { name: string }) => c.name === name);
      expect(check('images')).toMatchObject({
        status: 'ok',
        detail: expect.stringMatching(/^on the manager and on n1, n2, n3: /),
      });
      expect(check('ports')).toMatchObject({
        status: 'fail',
        detail: expect.stringMatching(`8080 \\(--app-port\\) is published by ${PROJECT}_haproxy`),
      });
    });

    it('zone drill: a zone no node has exits 2 with the zones, nothing drained', async () => {
      const r = expectExit(await lab(['check', '09', '--target', 'swarm', '--zone-loss', 'x']), 2);
      expect(r.stderr).toMatch(/no node of the swarm has zone=x[\s\S]*a, b, c/);
      const nodes = await docker(['-H', host, 'node', 'ls', '--format', '{{.Availability}}']);
      expect(nodes.stdout.trim().split('\n')).toEqual(['Active', 'Active', 'Active']);
    });

    it('zone drill: draining zone c under load fails no request, all six UP again in time, zone c back with replicas', async () => {
      const r = await lab(['--json', 'check', '09', '--target', 'swarm', '--zone-loss', 'c', '--rate', '50']);
      const data = parseJson(r);
      const drill = data.checks[0].data;
      console.info(
        `[swarm] zone drill (drain c): ${drill.sent} sent, ${drill.failed} failed, out ${drill.outMs} ms, rescheduled ${drill.rescheduledMs} ms, all UP ${drill.upMs} ms, in ${Math.round(data.checks[0].ms)} ms`,
      );
      expect(r.exitCode, describeRun(r)).toBe(0);
      expect(data.checks[0].verdict).toBe('PASS');
      expect(drill).toMatchObject({ zone: 'c', mode: 'drain', nodes: ['n3'], failed: 0, restored: true });
      expect(drill.sent).toBeGreaterThan(100);
      // The milestones in the course's order: fault, zone out, rescheduled elsewhere, all UP, zone back.
      expect(drill.outMs).toBeLessThanOrEqual(drill.upMs);
      expect(drill.rescheduledMs).toBeLessThanOrEqual(drill.upMs);
      expect(drill.upMs).toBeLessThanOrEqual(20_000);
      const kinds = drill.timeline.map((e: { kind: string }) => e.kind).filter((k: string) => k !== 'failed');
      expect(kinds).toEqual(['load', 'fault', ...kinds.slice(2, 4), 'up', 'done', 'cleared']);
      expect(new Set(kinds.slice(2, 4))).toEqual(new Set(['down', 'serving']));
      const status = parseJson(expectExit(await lab(['--json', 'status', '09', '--target', 'swarm']), 0));
      // service update --force restarts the tasks one by one, each placed by the spread over the
      // tasks left: a run measured 2/1/3, so every zone serves again but not always two each.
      const rows = status.nodes.map((n: { zone: string; availability: string; replicas: number }) => [
        n.zone,
        n.availability,
        n.replicas > 0,
      ]);
      expect(rows).toEqual([
        ['a', 'active', true],
        ['b', 'active', true],
        ['c', 'active', true],
      ]);
      expect(status.nodes.reduce((sum: number, n: { replicas: number }) => sum + n.replicas, 0)).toBe(6);
    }, 90_000);

    it('scale 9: docker service scale, every HAProxy sees nine UP, spread evenly over the zones; a bad count exits 2 with nothing changed', async () => {
      expect(expectExit(await lab(['scale', '09', '0', '--target', 'swarm']), 2).stderr).toMatch(/<replicas>/);
      const replicas = async () =>
        (
          await docker([
            '-H',
            host,
            'service',
            'inspect',
            '--format',
            '{{.Spec.Mode.Replicated.Replicas}}',
            `${PROJECT}_app`,
          ])
        ).stdout.trim();
      expect(await replicas()).toBe('6');
      const r = await lab(['--json', 'scale', '09', '9', '--target', 'swarm', '--timeout', '30']);
      const data = parseJson(r);
      console.info(`[swarm] lab scale 6 -> 9 in ${data.ms} ms: ${JSON.stringify(data.replicasPerZone)}`);
      expect(r.exitCode, describeRun(r)).toBe(0);
      expect(data).toMatchObject({ from: 6, to: 9, how: 'service scale' });
      expect(await replicas()).toBe('9');
      const perZone = Object.values(data.replicasPerZone) as number[];
      expect(perZone.reduce((a, b) => a + b, 0)).toBe(9);
      expect(Math.max(...perZone) - Math.min(...perZone)).toBeLessThanOrEqual(1);
    }, 60_000);

    it('logs --target swarm: the app tasks of every node; an unknown service exits 2', async () => {
      const data = parseJson(
        expectExit(await lab(['--json', 'logs', '09', 'app', '--target', 'swarm', '--tail', '5']), 0),
      );
      const nodes = new Set(
        data.lines.filter((l: string) => /listening on 8000/.test(l)).map((l: string) => /@(n\d)\b/.exec(l)?.[1]),
      );
      expect(nodes).toEqual(new Set(['n1', 'n2', 'n3']));
      expect(expectExit(await lab(['logs', '09', 'db', '--target', 'swarm']), 2).stderr).toMatch(
        /Unknown service "db"/,
      );
    });

    it('reset --target swarm --dry-run lists the lab stack and its workspace, removes nothing; --images exits 2', async () => {
      const data = parseJson(
        expectExit(await runLab(['--host', host, '--json', 'reset', '--target', 'swarm', '--dry-run']), 0),
      );
      expect(data).toMatchObject({ dryRun: true, removed: { stacks: [PROJECT] }, kept: [] });
      expect(data.removed.workspaces).toHaveLength(1);
      expect((await docker(['-H', host, 'service', 'ls', '-q'])).stdout.trim().split('\n')).toHaveLength(2);
      expect(
        expectExit(await runLab(['--host', host, 'reset', '--target', 'swarm', '--images', '--yes']), 2).stderr,
      ).toMatch(/--images is not supported with --target swarm/);
    });

    it('zone drill: --crash-command and --revive-command without the drill or each other exit 2, nothing run', async () => {
      const marker = join(labHome(), 'crashed');
      const touch = `touch ${marker}`;
      for (const [args, message] of [
        [['--crash-command', touch], /--crash-command is part of the zone drill: give --zone-loss/],
        [
          ['--target', 'swarm', '--zone-loss', 'c', '--revive-command', touch],
          /--revive-command brings back a zone that --crash-command took down/,
        ],
        [['--target', 'swarm', '--zone-loss', 'c', '--crash-command', ' '], /--crash-command is empty/],
      ] as const) {
        expect(expectExit(await lab(['check', '09', ...args]), 2).stderr).toMatch(message);
      }
      expect(existsSync(marker)).toBe(false);
    });

    it('down removes the stack; a second down finds nothing', async () => {
      const data = parseJson(expectExit(await lab(['--json', 'down', '09', '--target', 'swarm']), 0));
      console.info(`[swarm] lab down ${data.timingsMs.down} ms`);
      expect(data.removed.services).toHaveLength(2);
      expect((await docker(['-H', host, 'service', 'ls', '-q'])).stdout.trim()).toBe('');
      // Down returns when no container of the stack runs on any node (its ports are free), not only
      // when the manager dropped the services. Exited ones are the agents' to remove, later.
      for (const node of ['n1', 'n2', 'n3']) {
        const left = await docker([
          '-H',
          NODE_HOSTS.replace('{hostname}', node),
          'ps',
          '-q',
          '--filter',
          `label=com.docker.stack.namespace=${PROJECT}`,
        ]);
        expect(left.stdout.trim(), node).toBe('');
      }
      expect(parseJson(expectExit(await lab(['--json', 'down', '09', '--target', 'swarm']), 0)).running).toBe(false);
    }, 60_000);

    it("zone drill: crashing zone c (its node killed) fails within lab 09's share, all six UP again in time on zones a and b", async () => {
      // Last, on a stack of its own, as the crashed node stays down. No --revive-command here: a revived test node took
      // over 60 s to rejoin and take tasks in one CI run (it passed by hand in 41 s); the revive
      // path's pure part is unit-tested (tests/unit/zone-drill.test.ts).
      expectExit(await lab(['up', '09', '--target', 'swarm', '--timeout', '60']), 0);
      const r = await lab([
        '--json',
        'check',
        '09',
        '--target',
        'swarm',
        '--zone-loss',
        'c',
        '--rate',
        '50',
        '--crash-command',
        harnessCommand('crash', 3),
      ]);
      const data = parseJson(r);
      const drill = data.checks[0].data;
      console.info(
        `[swarm] zone drill (crash c): ${drill.sent} sent, ${drill.failed} failed, out ${drill.outMs} ms, node down ${drill.nodesDownMs} ms, rescheduled ${drill.rescheduledMs} ms, all UP ${drill.upMs} ms, in ${Math.round(data.checks[0].ms)} ms`,
      );
      expect(r.exitCode, describeRun(r)).toBe(0);
      expect(drill).toMatchObject({
        zone: 'c',
        mode: 'crash',
        nodes: ['n3'],
        restored: false,
        budget: { maxFailedPercent: 1.5, recoverWithin: 20 },
      });
      expect(data.checks[0].reason).toMatch(/zone c stays down until its nodes are back/);
      expect(drill.failed * 100).toBeLessThanOrEqual(drill.sent * 1.5);
      // A crash is seen by HAProxy's checks and by Swarm's missed heartbeats, then rescheduled.
      expect(drill.nodesDownMs).toBeLessThanOrEqual(drill.rescheduledMs);
      expect(drill.outMs).toBeLessThanOrEqual(drill.upMs);
      expect(drill.upMs).toBeLessThanOrEqual(20_000);
      const nodes = await docker(['-H', host, 'node', 'ls', '--format', '{{.Hostname}} {{.Status}}']);
      expect(nodes.stdout.trim().split('\n').sort()).toEqual(['n1 Ready', 'n2 Ready', 'n3 Down']);
      // Down on a swarm that lost a node: it waits for the tasks on n1 and n2, names what stays on n3.
      const down = await lab(['--json', 'down', '09', '--target', 'swarm']);
      expect(down.exitCode, describeRun(down)).toBe(0);
      const gone = parseJson(down);
      console.info(
        `[swarm] lab down with n3 crashed ${gone.timingsMs.down} ms, ${gone.onDownNodes.length} task(s) left on it`,
      );
      expect(gone.removed.services).toHaveLength(2);
      expect(new Set(gone.onDownNodes.map((t: { node: string }) => t.node))).toEqual(new Set(['n3']));
      expect((await docker(['-H', host, 'service', 'ls', '-q'])).stdout.trim()).toBe('');
    }, 180_000);
  },
);
