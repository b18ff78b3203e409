/**
 * lab grade --hosts: an instructor grades a class. Two real engines (the main one and an extra
 * dockerd, as the fleet tests start it) run lab 03 in different states, and a third line names
 * an engine that does not answer. One table of machines × tasks, the CSV and the JSON show one
 * machine passing scale-out, the other not, and the dead engine as an error row.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extraEnginesUnavailable, seedImages, startExtraEngine, type ExtraEngine } from './fleet-engines.ts';
import { hostSlug } from '../../src/core/instructor/hosts-file.ts';
import {
  AUTO_PORTS,
  cleanupLab,
  describeRun,
  engineHost,
  expectExit,
  freePort,
  labHome,
  parseJson,
  requireDocker,
  runLab,
  skipNote,
  step,
  uniqueProject,
} from './helpers.ts';

const state = requireDocker();
const noEngines = state.ok ? extraEnginesUnavailable() : '';
const ok = state.ok && !noEngines;
const note = skipNote(state) || (noEngines ? ` (skipped: ${noEngines})` : '');

interface ClassJson {
  lab: string;
  exitCode: number;
  machines: {
    name: string;
    host: string;
    exitCode: number;
    score?: number;
    tasks?: { id: string; status: string; reason: string }[];
    error?: { kind: string; message: string };
  }[];
  summary: {
    machines: number;
    graded: number;
    allPassed: number;
    tasks: { id: string; passed: number }[];
    text: string;
  };
}

/** The table's body rows, as words: from after the ─ rule to the pass-count row. */
function tableRows(stdout: string): string[][] {
  const lines = stdout.split('\n');
  const rule = lines.findIndex((l) => l.startsWith('─'));
  const rows: string[][] = [];
  for (const l of lines.slice(rule + 1)) {
    rows.push(l.trim().split(/\s{2,}/));
    if (l.startsWith('passed ')) break;
  }
  return rows;
}

describe.skipIf(!ok).sequential(`lab grade --hosts: a class on two engines${note}`, () => {
  let engine: ExtraEngine | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'lab-e2e-class-'));
  const file = (name: string, lines: string[]) => {
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  let room = '';
  let mainOnly = '';
  let pc02Only = '';
  let dead = '';

  beforeAll(async () => {
    engine = await startExtraEngine();
    await seedImages(engine);
    // Nothing listens there: connection refused, as a classroom PC that is switched off.
    dead = `tcp://127.0.0.1:${await freePort()}`;
    room = file('room.txt', [
      '# the e2e class',
      `main ${engineHost()}`,
      `pc02 ${engine.host}`,
      `pc03 ${dead}   # switched off`,
    ]);
    mainOnly = file('main.txt', [`main ${engineHost()}`]);
    pc02Only = file('pc02.txt', [`pc02 ${engine.host}`]);
  }, 120_000);

  afterAll(async () => {
    await engine?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('grades every machine at once: one passes scale-out, one does not, one is unreachable', async () => {
    const p = uniqueProject();
    cleanupLab('03', p); // the main engine; the extra one's containers go with its daemon
    const grade = (args: string[] = []) =>
      runLab(['--hosts', room, 'grade', '03', '--project', p, ...args], { timeout: 240_000 });

    await step(
      'lab 03 runs on main only: pc02 is a row saying it is not running, pc03 a row saying it cannot be reached',
      async () => {
        expectExit(
          await runLab(
            ['--hosts', mainOnly, 'up', '03', '--replicas', '3', '--project', p, '--pull', 'never', ...AUTO_PORTS],
            { timeout: 180_000 },
          ),
          0,
        );
        // Not running (2) is the most severe of the machines' codes (1, 2, 3), as in every fleet run.
        const r = expectExit(await grade(), 2);
        const rows = tableRows(r.stdout);
        expect(
          rows.map((row) => row.slice(0, 5)),
          describeRun(r),
        ).toEqual([
          ['main', 'FAIL', 'LOCKED', 'LOCKED', '0/3 (0%)'],
          ['pc02', '-', '-', '-', 'error'],
          ['pc03', '-', '-', '-', 'error'],
          ['passed', '0/3', '0/3', '0/3', '0/3'],
        ]);
        expect(rows[1]![5]).toMatch(new RegExp(`Lab 03 is not running \\(no containers of project ${p}\\)`));
        expect(rows[2]![5]).toMatch(/Cannot reach the Docker engine at tcp:\/\/127\.0\.0\.1:\d+/);
        expect(r.stdout).toMatch(/pc02: Start it with: lab up 03/);
        expect(r.stdout).toMatch(/0 of 3 machine\(s\) passed every task; 2 could not be graded: pc02, pc03/);
      },
    );

    await step('pc02 scaled out to 5: the table, CSV and JSON show pc02 passing scale-out and main not', async () => {
      expectExit(
        await runLab(
          ['--hosts', pc02Only, 'up', '03', '--replicas', '5', '--project', p, '--pull', 'never', ...AUTO_PORTS],
          { timeout: 240_000 },
        ),
        0,
      );
      const csv = join(dir, 'class.csv');
      const html = join(dir, 'class.html');
      const r = expectExit(await grade(['--csv', csv, '--html', html]), 3);
      expect(
        tableRows(r.stdout).map((row) => row.slice(0, 5)),
        describeRun(r),
      ).toEqual([
        ['main', 'FAIL', 'LOCKED', 'LOCKED', '0/3 (0%)'],
        ['pc02', 'PASS', 'FAIL', 'FAIL', '1/3 (33%)'],
        ['pc03', '-', '-', '-', 'error'],
        ['passed', '1/3', '0/3', '0/3', '0/3'],
      ]);
      expect(statSync(csv).mode & 0o777).toBe(0o644);
      const lines = readFileSync(csv, 'utf8').split('\r\n');
      expect(lines[0]).toBe(
        'machine,host,score,passed,solved,total,scale-out,least-connections,sticky-sessions,hints:scale-out,hints:least-connections,hints:sticky-sessions,quiz,copies_solution,error',
      );
      expect(lines[1]).toBe(`main,${engineHost()},0,0,0,3,fail,locked,locked,0,0,0,,,`);
      expect(lines[2]).toBe(`pc02,${engine!.host},33,1,0,3,pass,fail,fail,0,0,0,,,`);
      expect(lines[3]).toMatch(/^pc03,tcp:\/\/127\.0\.0\.1:\d+,{13}"?Cannot reach the Docker engine/);
      expect(lines.slice(4)).toEqual(['']);
      // The class view: a bar per task (machines passing it), a row per machine.
      expect(statSync(html).mode & 0o777).toBe(0o644);
      const page = readFileSync(html, 'utf8');
      expect([...page.matchAll(/<text class="value"[^>]*>(\d+)</g)].map((m) => Number(m[1]))).toEqual([1, 0, 0]);
      expect(page.match(/<tr><td>(main|pc02|pc03)<\/td>/g)).toEqual([
        '<tr><td>main</td>',
        '<tr><td>pc02</td>',
        '<tr><td>pc03</td>',
      ]);

      const j = parseJson<ClassJson>(expectExit(await grade(['--json']), 3));
      expect(j.lab).toBe('03-load-balancing');
      expect(
        j.machines.map((m) => [m.name, m.exitCode, m.score ?? null, m.tasks?.map((t) => t.status) ?? m.error?.kind]),
      ).toEqual([
        ['main', 1, 0, ['fail', 'locked', 'locked']],
        ['pc02', 1, 33, ['pass', 'fail', 'fail']],
        ['pc03', 3, null, 'EnvironmentError'],
      ]);
      expect(j.machines[0]!.tasks![0]!.reason).toMatch(
        /HAProxy has 3 server\(s\) with a replica behind them in app, expected 5/,
      );
      // Each machine's progress is saved in its own workspace, where lab --hosts up put it.
      const progress = (host: string) =>
        JSON.parse(
          readFileSync(join(labHome(), 'hosts', hostSlug(host), 'workspaces', p, 'progress.json'), 'utf8'),
        ) as { tasks: Record<string, { status: string }> };
      expect(progress(engine!.host).tasks['scale-out']?.status).toBe('pass');
      expect(progress(engineHost()).tasks['scale-out']?.status).toBe('fail');
      expect(j.summary).toMatchObject({
        machines: 3,
        graded: 2,
        allPassed: 0,
        tasks: [
          { id: 'scale-out', passed: 1 },
          { id: 'least-connections', passed: 0 },
          { id: 'sticky-sessions', passed: 0 },
        ],
      });
    });

    await step('--csv and --html need --hosts, --junit is for one machine: exit 2, nothing graded', async () => {
      const a = expectExit(await runLab(['grade', '03', '--project', p, '--csv', join(dir, 'x.csv')]), 2);
      expect(a.stderr).toMatch(/--csv writes a class grade: add --hosts <file>/);
      const h = expectExit(await runLab(['grade', '03', '--project', p, '--html', join(dir, 'x.html')]), 2);
      expect(h.stderr).toMatch(
        /--html on lab grade writes the class view: add --hosts <file>[\s\S]*lab report 03 --html/,
      );
      const b = expectExit(await grade(['--junit', join(dir, 'x.xml')]), 2);
      expect(b.stderr).toMatch(/--junit grades one machine; with --hosts use --csv <file> or --json/);
    });
  }, 600_000);
});
