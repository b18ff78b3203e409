/**
 * A lab of several services (`services:`) on the real engine: one `lab up` of the 92-services
 * fixture (web, api under /api, static under /static), requests through HAProxy's one port reach
 * each service by path, lab status lists the services, the cpus limit is on the container, and
 * lab scale changes one service.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AUTO_PORTS,
  cleanupLab,
  docker,
  expectExit,
  FIXTURES,
  loopback,
  parseJson,
  requireDocker,
  runLab,
  skipNote,
  step,
  uniqueProject,
} from './helpers.ts';

const engine = requireDocker();
const env = { LAB_LABS_DIR: join(FIXTURES, 'services-labs') };

interface Status {
  services: { service: string; replicas: number; running: number; up: number }[];
  servers: { backend: string; server: string; status: string }[];
}

/** X-App (service/replica/version) of one GET through HAProxy, to 127.0.0.1 only. */
async function xApp(appUrl: string, path: string): Promise<string> {
  const res = await fetch(loopback(new URL(path, appUrl).href), {
    headers: { connection: 'close' },
    signal: AbortSignal.timeout(5000),
  });
  await res.arrayBuffer();
  expect(res.status, `GET ${path}`).toBe(200);
  return res.headers.get('x-app') ?? '';
}

describe.skipIf(!engine.ok)(`services: several app services in one lab${skipNote(engine)}`, () => {
  it('routes by path to each service, lists them in status, limits cpus, scales one service', async () => {
    const project = uniqueProject();
    cleanupLab('92', project, { env });
    const lab = (...args: string[]) => runLab([...args, '--project', project], { env });
    const t0 = performance.now();
    const up = parseJson<{ urls: { app: string } }>(expectExit(await lab('up', '92', ...AUTO_PORTS, '--json'), 0));
    const appUrl = up.urls.app;

    await step('each path reaches its service, which sees the path without its prefix', async () => {
      expect(await xApp(appUrl, '/json')).toMatch(/^web\/[12]\/1\.0\.0$/);
      expect(await xApp(appUrl, '/api/json')).toBe('api/1/2.0.0');
      expect(await xApp(appUrl, '/api')).toBe('api/1/2.0.0');
      expect(await xApp(appUrl, '/static/json')).toBe('static/1/0.9.0');
      // A prefix counts at a path segment only: /apix is the default service's.
      const res = await fetch(loopback(new URL('/apix', appUrl).href), { signal: AbortSignal.timeout(5000) });
      expect(res.headers.get('x-app')).toMatch(/^web\//);
    });

    await step('lab status --json lists every service and its backend', async () => {
      const s = parseJson<Status>(expectExit(await lab('status', '92', '--json'), 0));
      expect(s.services).toEqual([
        { service: 'api', replicas: 1, running: 1, up: 1 },
        { service: 'static', replicas: 1, running: 1, up: 1 },
        { service: 'web', replicas: 2, running: 2, up: 2 },
      ]);
      expect(s.servers.map((x) => `${x.backend}/${x.server}`).sort()).toEqual([
        'api/api1',
        'static/static1',
        'web/web1',
        'web/web2',
      ]);
    });

    await step("web's cpus: 0.5 and memory: 128m are set on its containers, api has no limit", async () => {
      const r = await docker([
        'inspect',
        '--format',
        '{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}}',
        `${project}-web-1`,
        `${project}-api-1`,
      ]);
      expect(r.stdout.split('\n')).toEqual([`${0.5e9} ${128 * 2 ** 20}`, '0 0']);
    });

    await step('lab scale one service: api to 2, the others untouched; a bare count is refused', async () => {
      const bad = expectExit(await lab('scale', '92', '3'), 2);
      expect(bad.stderr).toMatch(/lab 92 has 3 services \(web, api, static\); say which one to scale as service=count/);
      const scaled = parseJson<{ services: { service: string; from: number; to: number }[] }>(
        expectExit(await lab('scale', '92', 'api=2', '--json'), 0),
      );
      expect(scaled.services).toEqual([
        { service: 'web', from: 2, to: 2 },
        { service: 'api', from: 1, to: 2 },
        { service: 'static', from: 1, to: 1 },
      ]);
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) seen.add(await xApp(appUrl, '/api/json'));
      expect([...seen].sort()).toEqual(['api/1/2.0.0', 'api/2/2.0.0']);
      const checked = expectExit(await lab('check', '92'), 0).stdout;
      expect(checked).toMatch(/PASS api: 2 of 2 replicas are UP.*; static: 1 of 1 .*; web: 2 of 2 /);
      // A distribution check with service: api judges the api backend, with its traffic sent to /api/.
      expect(checked).toMatch(/api-is-spread[\s\S]*60 requests for \/api\/ to [\s\S]*api1[\s\S]*api2/);
      expect(checked).not.toMatch(/api-is-spread[\s\S]*web1/);
    });

    await step('lab fault names the services of the lab', async () => {
      expect(expectExit(await lab('fault', '92', 'app/1', 'hang'), 2).stderr).toMatch(
        /Unknown service "app".*which are api, static, web/,
      );
    });

    expectExit(await lab('down', '92'), 0);
    console.log(`[services] up, routing, status, scale, check and down in ${Math.round(performance.now() - t0)} ms`);
  }, 120_000);
});
