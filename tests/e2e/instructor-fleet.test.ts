/**
 * --hosts on three real engines (the main one and two extra dockerds): one table, one row per
 * host, up/down on all at once, and a non-zero exit naming the host whose engine is down.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerOn, extraEnginesUnavailable, seedImages, startExtraEngine, type ExtraEngine } from './fleet-engines.ts';
import { lab03Text, WHOAMI_CONTEXT } from '../helpers/lab03.ts';
import {
  AUTO_PORTS,
  cleanupLab,
  describeRun,
  docker,
  engineHost,
  expectExit,
  freePort,
  get,
  parseJson,
  requireDocker,
  runLab,
  skipNote,
  uniqueProject,
} from './helpers.ts';

const state = requireDocker();
const noEngines = state.ok ? extraEnginesUnavailable() : '';
const ok = state.ok && !noEngines;
const note = skipNote(state) || (noEngines ? ` (skipped: ${noEngines})` : '');

/** The body rows of the fleet table (the lines after the ─ rule, up to the first blank line). */
function tableRows(stdout: string): string[] {
  const lines = stdout.split('\n');
  const rule = lines.findIndex((l) => l.startsWith('─'));
  const rows: string[] = [];
  for (const l of lines.slice(rule + 1)) {
    if (!/^(main|pc\d\d)\s/.test(l)) break;
    rows.push(l);
  }
  return rows;
}

describe.skipIf(!ok).sequential(`lab --hosts on three engines${note}`, () => {
  const engines: ExtraEngine[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'lab-e2e-fleet-'));
  const hosts = join(dir, 'room.txt');
  /**
   * For doctor, lab 03 on ports free right now. The extra engines publish on this machine's
   * loopback too, so a developer's lab 03 on 8080/1936 (npm run setup leaves one running) would
   * be a port taken for them: a fact about the machine, not about --hosts.
   */
  const doctorEnv = { LAB_LABS_DIR: join(dir, 'labs') };

  beforeAll(async () => {
    const [appPort, statsPort] = [await freePort(), await freePort()];
    mkdirSync(join(dir, 'labs', '03-load-balancing'), { recursive: true });
    writeFileSync(
      join(dir, 'labs', '03-load-balancing', 'lab.yaml'),
      lab03Text()
        .replace('appPort: 8080', `appPort: ${appPort}`)
        .replace('statsPort: 1936', `statsPort: ${statsPort}`)
        .replace('context: ../../compose/whoami', `context: ${WHOAMI_CONTEXT}`),
    );
    engines.push(...(await Promise.all([startExtraEngine(), startExtraEngine()])));
    await Promise.all(engines.map((e) => seedImages(e)));
    writeFileSync(
      hosts,
      [
        '# the e2e room',
        `main ${engineHost()}`,
        '',
        `pc02 ${engines[0]!.host}   # extra dockerd`,
        `pc03 ${engines[1]!.host}`,
        '',
      ].join('\n'),
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all(engines.map((e) => e.stop()));
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('doctor on every host: a table with three rows, exit 0', async () => {
    const r = expectExit(await runLab(['--hosts', hosts, 'doctor'], { env: doctorEnv, timeout: 90_000 }), 0);
    const rows = tableRows(r.stdout);
    expect(rows, describeRun(r)).toHaveLength(3);
    expect(rows.map((l) => l.split(/\s+/).slice(0, 4))).toEqual([
      ['main', engineHost(), 'ok', '0'],
      ['pc02', engines[0]!.host, 'ok', '0'],
      ['pc03', engines[1]!.host, 'ok', '0'],
    ]);
    expect(rows[1]).toMatch(/ready on unix:\/\/\/tmp\/lab-e2e-dockerd-.*: \d+ ok, \d+ warning\(s\), 0 failed$/);
    expect(r.stdout).toMatch(/All 3 hosts ok/);
  }, 90_000);

  it('--json: one object with each host’s own doctor report', async () => {
    const j = parseJson<{
      outcome: string;
      exitCode: number;
      hosts: { name: string; exitCode: number; result: { checks: { name: string; status: string }[] } }[];
    }>(expectExit(await runLab(['--hosts', hosts, 'doctor', '--json'], { env: doctorEnv, timeout: 90_000 }), 0));
    expect(j.outcome).toBe('success');
    expect(j.hosts.map((h) => [h.name, h.exitCode])).toEqual([
      ['main', 0],
      ['pc02', 0],
      ['pc03', 0],
    ]);
    // The extra engines have the base images (node, haproxy) but not the app, nor lab 06's Redis,
    // yet: a warning each with its fix, not a failure.
    expect(j.hosts[1]!.result.checks.filter((c) => c.name === 'image').map((c) => c.status)).toEqual([
      'ok',
      'ok',
      'warn',
      'warn',
    ]);
  }, 90_000);

  it('up and down on every host at once, same project: each host its own lock and workspace', async () => {
    const project = uniqueProject();
    cleanupLab('03', project); // the main engine; the extra ones go with their daemons
    const up = expectExit(
      await runLab(['--hosts', hosts, 'up', '03', '--project', project, '--pull', 'never', ...AUTO_PORTS, '--json'], {
        timeout: 180_000,
      }),
      0,
    );
    const j = parseJson<{
      hosts: { name: string; exitCode: number; result: { urls: { app: string }; workspace: string } }[];
    }>(up);
    expect(j.hosts.map((h) => [h.name, h.exitCode])).toEqual([
      ['main', 0],
      ['pc02', 0],
      ['pc03', 0],
    ]);
    expect(new Set(j.hosts.map((h) => h.result.workspace)).size).toBe(3);
    for (const h of j.hosts) expect((await get(h.result.urls.app)).status, h.name).toBe(200);
    const down = expectExit(
      await runLab(['--hosts', hosts, 'down', '03', '--project', project], { timeout: 120_000 }),
      0,
    );
    expect(tableRows(down.stdout).map((l) => l.split(/\s+/)[2])).toEqual(['ok', 'ok', 'ok']);
    expect((await docker(['ps', '-aq', '--filter', `label=lab.project=${project}`])).stdout).toBe('');
    for (const e of engines) expect((await dockerOn(e, ['ps', '-aq'])).stdout).toBe('');
  }, 240_000);

  it('an engine down: status and doctor exit 3, and the table names the failed host', async () => {
    await engines[1]!.stop();
    const r = expectExit(await runLab(['--hosts', hosts, 'status'], { timeout: 90_000 }), 3);
    const rows = tableRows(r.stdout);
    expect(rows.map((l) => l.split(/\s+/).slice(0, 4))).toEqual([
      ['main', engineHost(), 'ok', '0'],
      ['pc02', engines[0]!.host, 'ok', '0'],
      ['pc03', engines[1]!.host, 'failed', '3'],
    ]);
    expect(rows[2]).toMatch(
      /Cannot reach the Docker engine at unix:\/\/\/tmp\/lab-e2e-dockerd-.*socket does not exist/,
    );
    expect(r.stderr).toMatch(/1 of 3 hosts failed: pc03/);
    const d = expectExit(await runLab(['--hosts', hosts, 'doctor', '--json'], { env: doctorEnv, timeout: 90_000 }), 3);
    expect(parseJson<{ hosts: { name: string; exitCode: number }[] }>(d).hosts.map((h) => h.exitCode)).toEqual([
      0, 0, 3,
    ]);
  }, 90_000);

  it('a bad hosts file: exit 2 with file:line, nothing run', async () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, ['pc01 unix:///var/run/docker.sock', 'pc02 http://pc02', 'pc03 ssh://u@pc03 extra'].join('\n'));
    const r = expectExit(await runLab(['--hosts', bad, 'doctor']), 2);
    expect(r.stderr).toContain(`${bad}:2: "http://pc02" is not a unix://, tcp:// or ssh:// address`);
    expect(r.stderr).toContain(`${bad}:3: expected "[name] address"`);
  });
});
