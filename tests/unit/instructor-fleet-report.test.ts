import { describe, expect, it } from 'vitest';
import { EXIT, mostSevere, type ExitCode } from '../../src/core/errors.ts';
import {
  fleetHeadline,
  fleetJson,
  renderFleetTable,
  summaryOf,
  type HostResult,
} from '../../src/core/instructor/fleet-report.ts';

const host = (name: string, exitCode: ExitCode, stdout = '', error?: HostResult['error']): HostResult => ({
  entry: { name, host: `ssh://student@${name}`, line: 1 },
  exitCode,
  ms: 1234,
  stdout,
  stderr: '',
  error,
});
const err = (message: string, hint?: string) => ({ kind: 'EnvironmentError', message, hint, details: [] });

describe('fleet exit code', () => {
  const _ = (codes: number[], want: number) => () => expect(mostSevere(codes)).toBe(want);
  it('all ok → 0', _([0, 0, 0], 0));
  it('no hosts → 0', _([], 0));
  it('one check failed → 1', _([0, 1, 0], 1));
  it('engine down beats a failed check', _([1, 3, 0], 3));
  it('engine down beats a failed Docker operation', _([4, 3], 3));
  it('a usage error beats an environment error', _([3, 2], 2));
  it('a bug beats everything but Ctrl-C', _([2, 70, 3], 70));
  it('Ctrl-C is the most severe', _([70, 130], 130));
  it('an unknown code still makes the run fail', _([0, 42], 42));
});

describe('host summary', () => {
  it('is the error message when the command threw', () => {
    expect(summaryOf({ stdout: 'ignored', error: err('Cannot reach the Docker engine') })).toBe(
      'Cannot reach the Docker engine',
    );
  });
  it('is the first non-blank line of text, without colours', () => {
    expect(summaryOf({ stdout: '\n\x1b[32mready on x: 9 ok\x1b[39m\nCHECK ...\n' })).toBe('ready on x: 9 ok');
  });
  it('is the summary of a JSON object, else its outcome', () => {
    expect(summaryOf({ stdout: JSON.stringify({ outcome: 'success', summary: 'ready' }, null, 2) })).toBe('ready');
    expect(summaryOf({ stdout: '{"outcome":"success","labs":[]}' })).toBe('success');
  });
  it('turns a table into its row count and first column', () => {
    const table = 'PROJECT  LAB\n───────  ───\nlab-03   03-load-balancing\np2       03-load-balancing\n';
    expect(summaryOf({ stdout: table })).toBe('2 row(s): lab-03, p2');
  });
});

describe('fleet table and JSON', () => {
  const results = [
    host('pc01', EXIT.ok, 'ready on pc01\n'),
    host('pc02', EXIT.environment, '', err('engine: Cannot reach the Docker engine', 'Start dockerd')),
  ];

  it('has one row per host with result, exit code, time and summary', () => {
    expect(renderFleetTable(results)).toMatchInlineSnapshot(`
      "HOST  ENGINE              RESULT  EXIT  TIME  SUMMARY
      ────  ──────────────────  ──────  ────  ────  ──────────────────────────────────────
      pc01  ssh://student@pc01  ok         0  1.2s  ready on pc01
      pc02  ssh://student@pc02  failed     3  1.2s  engine: Cannot reach the Docker engine"
    `);
    expect(fleetHeadline(results)).toBe('1 of 2 hosts failed: pc02');
    expect(fleetHeadline(results.slice(0, 1))).toBe('All 1 host ok');
  });

  it('JSON carries every host, its own JSON parsed, and the most severe exit code', () => {
    const json = fleetJson([host('pc01', EXIT.ok, '{"outcome":"success","summary":"ready"}'), results[1]!]) as {
      exitCode: number;
      outcome: string;
      hosts: Record<string, unknown>[];
    };
    expect(json.outcome).toBe('error');
    expect(json.exitCode).toBe(3);
    expect(json.hosts[0]).toMatchObject({
      name: 'pc01',
      outcome: 'success',
      exitCode: 0,
      ms: 1234,
      summary: 'ready',
      result: { outcome: 'success', summary: 'ready' },
    });
    expect(json.hosts[1]).toMatchObject({
      name: 'pc02',
      outcome: 'error',
      exitCode: 3,
      result: null,
      error: { message: 'engine: Cannot reach the Docker engine', hint: 'Start dockerd' },
    });
  });
});
