/**
 * The HTML report in a real browser: the real lab binary grades a real lab (03's tasks on its
 * starter, 3 replicas, and the failover drill) and writes the report; Debian's headless Chromium opens it (no
 * network: the file must need none), and the charts must have rendered, with no console error.
 * A screenshot is kept in tests/artifacts/ (gitignored). lab load --html and bad --html paths
 * are checked on the side, on the same lab.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasChromium, openInChromium } from '../helpers/chromium.ts';
import {
  expectExit,
  REPO_ROOT,
  requireDocker,
  runLab,
  skipNote,
  step,
  tempDir,
  uniqueProject,
  up03,
} from './helpers.ts';

const engine = requireDocker();
const chromium = hasChromium();
const ARTIFACTS = join(REPO_ROOT, 'tests', 'artifacts');
const PASSWORD = 'report-secret-4711';

/** Counted in the page after it loaded: what the charts drew, as the browser laid them out. */
const MEASURE = `(() => {
  const n = (sel) => document.querySelectorAll(sel).length;
  const drawn = [...document.querySelectorAll('svg.chart rect')].filter((r) => r.getBBox().height > 0).length;
  return { charts: n('svg.chart'), bars: n('svg.chart rect.bar'), rps: n('svg.chart rect.rps'), drawn,
    marks: [...document.querySelectorAll('svg.chart g.mark')].map((g) => g.getAttribute('class').replace('mark mark-', '')),
    verdicts: [...document.querySelectorAll('table.results td.pass, table.results td.fail, table.results td.locked')].map((td) => td.textContent),
    config: document.querySelector('table.settings')?.textContent ?? '', scripts: n('script') };
})()`;

interface Measured {
  charts: number;
  bars: number;
  rps: number;
  drawn: number;
  marks: string[];
  verdicts: string[];
  config: string;
  scripts: number;
}

/** Open a report in Chromium, keep its screenshot, and check what every report must show: two charts, a bar per replica, no error, no script. */
async function rendered(file: string, shot: string): Promise<Measured> {
  const page = await openInChromium(file, MEASURE);
  writeFileSync(join(ARTIFACTS, shot), page.png);
  const m = page.value as Measured;
  expect(page.errors).toEqual([]);
  expect(m.scripts).toBe(0);
  expect(m.charts).toBe(2);
  expect(m.bars).toBe(3);
  return m;
}

describe.skipIf(!engine.ok || !chromium)(
  `the HTML report in headless Chromium${skipNote(engine)}${chromium ? '' : ' (skipped: no /usr/bin/chromium; .ci/provision-engine.sh installs it)'}`,
  () => {
    it('lab report --failover writes a file Chromium renders: a bar per replica, a timeline with the fault and DOWN/UP marked, no console error', async () => {
      const project = uniqueProject();
      await up03(project, ['--replicas', '3', '--stats-password', PASSWORD]);
      const dir = await tempDir('lab-report-');
      mkdirSync(ARTIFACTS, { recursive: true });

      await step('bad --html paths exit 2 before anything runs', async () => {
        expect(expectExit(await runLab(['report', '03', '--project', project, '--html', dir]), 2).stderr).toMatch(
          /--html .* is a folder/,
        );
        expect(
          expectExit(
            await runLab(['check', '03', '--project', project, '--html', join(dir, 'no', 'such', 'r.html')]),
            2,
          ).stderr,
        ).toMatch(/does not exist/);
        expect(expectExit(await runLab(['report', '03', '--project', project]), 2).stderr).toMatch(/--html/);
      });

      const file = join(dir, 'report.html');
      await step('lab report 03 --failover --html', async () => {
        const r = expectExit(
          await runLab(['report', '03', '--project', project, '--failover', '--requests', '60', '--html', file], {
            timeout: 90_000,
          }),
          0,
        );
        expect(r.stderr).toContain('HTML report written to');
        expect(statSync(file).mode & 0o777).toBe(0o644);
        const html = readFileSync(file, 'utf8');
        expect(html).not.toContain(PASSWORD);
      });

      await step('Chromium renders it', async () => {
        const m = await rendered(file, 'report.png');
        expect(m.rps).toBeGreaterThanOrEqual(4);
        expect(m.drawn).toBeGreaterThanOrEqual(m.bars + m.rps - 1);
        expect(m.marks).toEqual(expect.arrayContaining(['fault', 'down', 'up']));
        // 03's tasks on its starter (3 replicas, scale-out wants 5: FAIL, the rest locked), then the drill.
        expect(m.verdicts).toEqual(['FAIL', 'LOCKED', 'LOCKED', 'PASS']);
        expect(m.config).toContain('roundrobin');
      });

      await step('lab load --html: the run per second and per server', async () => {
        const load = join(dir, 'load.html');
        expectExit(
          await runLab(['load', '03', '--project', project, '--rate', '40', '--duration', '3', '--html', load]),
          0,
        );
        const m = await rendered(load, 'load.png');
        expect(m.rps).toBeGreaterThanOrEqual(2);
      });
    }, 150_000);
  },
);
