/**
 * clients: on the real engine, one `lab up` for every case: the checks' traffic comes from the
 * lab's client containers (their own run lists say so), affinity by source fails on roundrobin
 * and passes with balance source across clients, and `lab load --json` reports sent/failed.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AUTO_PORTS,
  cleanupLab,
  describeRun,
  docker,
  expectExit,
  parseJson,
  REPO_ROOT,
  requireDocker,
  runLab,
  skipNote,
  step,
  uniqueProject,
} from './helpers.ts';

const engine = requireDocker();

const LAB = (context: string) => `id: 91-clients
title: Clients (e2e fixture)
summary: Three replicas behind HAProxy and four clients in the lab network.
goals:
  - Send the checks' traffic from the clients.
app:
  image: lab/whoami:1
  build:
    context: ${context}
    args:
      BASE_IMAGE: node:20-alpine
  port: 8000
  health: /health
loadBalancer:
  image: haproxy:3.0
clients: 4
defaults:
  replicas: 3
checks:
  - name: traffic-is-spread
    kind: distribution
    requests: 60
tasks:
  - id: source-affinity
    title: Pin each client by its IP
    instructions: Use balance source.
    checks:
      - kind: affinity
        by: source
        requests: 10
  - id: root-is-faster
    title: / serves more than /work
    instructions: Nothing to do.
    mustFailOnStarter: false
    checks:
      - kind: throughput
        baseline: { name: work, path: /work?ms=30 }
        candidate: { name: root, path: / }
        concurrency: 4
        duration: 1
        expect: { rpsRatio: 1.5 }
`;

interface GradeJson {
  tasks: {
    id: string;
    status: string;
    reason: string;
    checks: { kind: string; verdict: string; reason: string; data?: { from?: string; servers?: string[] } }[];
  }[];
}

describe
  .skipIf(!engine.ok)
  .sequential(`clients: checks and lab load send from the lab's clients${skipNote(engine)}`, () => {
    it('sends from the clients, grades affinity by source, and lab load --json counts', async () => {
      const t0 = performance.now();
      const labs = await mkdtemp(join(tmpdir(), 'lab-clients-'));
      const env = { LAB_LABS_DIR: labs };
      const p = uniqueProject();
      cleanupLab('91', p, { env, after: () => rm(labs, { recursive: true, force: true }) });
      await mkdir(join(labs, '91-clients'));
      await writeFile(join(labs, '91-clients', 'lab.yaml'), LAB(join(REPO_ROOT, 'compose', 'whoami')));

      expectExit(await runLab(['up', '91', '--project', p, ...AUTO_PORTS], { env, timeout: 180_000 }), 0);
      const clients = (
        await docker([
          'ps',
          '-q',
          '--filter',
          `label=lab.project=${p}`,
          '--filter',
          'label=com.docker.compose.service=client',
        ])
      ).stdout
        .trim()
        .split('\n')
        .filter(Boolean);

      await step('lab up started 4 client containers, each with its own IP and no published port', async () => {
        expect(clients).toHaveLength(4);
        const inspect = JSON.parse((await docker(['inspect', ...clients])).stdout) as {
          NetworkSettings: { Ports: Record<string, unknown[] | null>; Networks: Record<string, { IPAddress: string }> };
          Config: { Labels: Record<string, string> };
        }[];
        expect(new Set(inspect.map((c) => Object.values(c.NetworkSettings.Networks)[0]!.IPAddress)).size).toBe(4);
        for (const c of inspect) {
          expect(Object.values(c.NetworkSettings.Ports ?? {}).every((b) => !b?.length)).toBe(true);
          expect(c.Config.Labels['lab.project']).toBe(p);
        }
      });

      await step(
        "lab check's distribution traffic came from the clients: their own run lists hold its 60 requests",
        async () => {
          const r = expectExit(await runLab(['check', '91', '--project', p, '--json'], { env }), 0);
          const check = parseJson<{ checks: { data: { from: string; requests: number } }[] }>(r).checks[0]!;
          expect(check.data).toMatchObject({ from: 'clients', requests: 60 });
          const runs = await Promise.all(
            clients.map(
              async (id) =>
                JSON.parse(
                  (
                    await docker([
                      'exec',
                      id,
                      'node',
                      '-e',
                      "fetch('http://127.0.0.1:8001/runs').then((r) => r.text()).then(console.log)",
                    ])
                  ).stdout,
                ) as { url: string; sent: number }[],
            ),
          );
          expect(
            runs
              .flat()
              .filter((x) => x.url === 'http://haproxy:8080/')
              .reduce((n, x) => n + x.sent, 0),
            JSON.stringify(runs),
          ).toBe(60);
          expect(
            runs.every((list) => list.length === 1),
            'each client ran one part of it',
          ).toBe(true);
        },
      );

      await step('affinity by source FAILS on roundrobin, naming a client spread over several servers', async () => {
        const j = parseJson<GradeJson>(expectExit(await runLab(['grade', '91', '--project', p, '--json'], { env }), 1));
        const check = j.tasks[0]!.checks[0]!;
        expect(check, JSON.stringify(j)).toMatchObject({
          kind: 'affinity',
          verdict: 'FAIL',
          data: { from: 'clients' },
        });
        expect(check.reason).toMatch(
          /^client \d's 10 requests went to [23] servers: .*; with balance source every request of one client \(one source IP\) goes to one server$/,
        );
        // throughput from the clients: both states measured, / well ahead of 30 ms of CPU work per request.
        const tp = j.tasks[1]!.checks[0]! as {
          verdict: string;
          reason: string;
          data?: { from?: string; baseline?: { rps: number; sent: number }; candidate?: { rps: number } };
        };
        expect(tp, JSON.stringify(tp)).toMatchObject({ verdict: 'PASS', data: { from: 'clients' } });
        expect(tp.data!.baseline!.sent).toBeGreaterThan(0);
        expect(tp.data!.candidate!.rps).toBeGreaterThan(1.5 * tp.data!.baseline!.rps * 0.9);
        expect(tp.reason).toMatch(
          /^root served [\d.]+× the requests\/s of work \(root \d+ req\/s, p95 \d+ ms; work \d+ req\/s, p95 \d+ ms\); expected at least 1\.5×$/,
        );
      });

      await step(
        'affinity by source PASSES with balance source: each client on one server, together on 2 or more',
        async () => {
          expectExit(
            await runLab(['up', '91', '--project', p, '--algorithm', 'source', ...AUTO_PORTS], {
              env,
              timeout: 120_000,
            }),
            0,
          );
          const r = await runLab(['grade', '91', '--project', p, '--json'], { env });
          const check = parseJson<GradeJson>(r).tasks[0]!.checks[0]!;
          expect(check.verdict, describeRun(r)).toBe('PASS');
          expect(check.reason).toMatch(
            /^each of 4 clients stayed on one server \(client 1 → app\d, client 2 → app\d, client 3 → app\d, client 4 → app\d\)/,
          );
          expect(check.data!.servers!.length).toBeGreaterThanOrEqual(2);
        },
      );

      await step('lab load --json: numeric sent and failed, from the clients', async () => {
        const r = expectExit(
          await runLab(['load', '91', '--project', p, '--duration', '2', '--rate', '40', '--clients', '2', '--json'], {
            env,
          }),
          0,
        );
        const j = parseJson<{
          from: string;
          sent: number;
          failed: number;
          senders: unknown[];
          latencyMs: { p95: number };
        }>(r);
        expect(j.from).toBe('clients');
        expect(j.senders).toHaveLength(2);
        expect(j.sent).toBeGreaterThanOrEqual(60);
        expect(j.sent).toBeLessThanOrEqual(82);
        expect(j.failed).toBe(0);
        expect(j.latencyMs.p95).toBeGreaterThan(0);
        const bad = await runLab(['load', '91', '--project', p, '--rate', '0'], { env });
        expectExit(bad, 2);
        expect(bad.stderr).toMatch(/--rate must be a number above 0/);
      });
      console.log(`clients.test.ts: ${Math.round((performance.now() - t0) / 1000)} s`);
    }, 420_000);
  });
