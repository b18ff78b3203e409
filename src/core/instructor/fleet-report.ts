import { stripVTControlCharacters } from 'node:util';
import { plainPalette, type Palette } from '../palette.ts';
import { renderTable } from '../report.ts';
import { EXIT, mostSevere, type ExitCode } from '../errors.ts';
import type { HostEntry } from './hosts-file.ts';

/** How one host's run ended. */
export interface HostResult {
  entry: HostEntry;
  exitCode: ExitCode;
  ms: number;
  /** What the command printed on stdout (text, or its one JSON object under --json). */
  stdout: string;
  stderr: string;
  /** The error's message and hint when the command threw. */
  error?: { kind: string; message: string; hint?: string; details: string[] };
}

/**
 * The one line a table shows for a host: the error's message; else the `summary` (or outcome)
 * of its JSON object; else its first line of text, where a table (a header over a ─ rule)
 * becomes its row count and first column. Pure.
 */
export function summaryOf(r: Pick<HostResult, 'stdout' | 'error'>): string {
  if (r.error) return r.error.message;
  const json = parseOutput(r.stdout) as { summary?: unknown; outcome?: unknown; error?: { message?: unknown } } | null;
  if (json && typeof json === 'object' && !('unparsed' in json)) {
    return String(json.summary ?? json.error?.message ?? json.outcome ?? '');
  }
  const lines = r.stdout.split('\n').map((l) => stripVTControlCharacters(l).trim());
  const first = lines.findIndex(Boolean);
  if (first < 0) return '';
  if (lines[first + 1]?.startsWith('─')) {
    const rows = lines
      .slice(first + 2)
      .filter(Boolean)
      .map((l) => l.split(/\s{2,}/)[0] ?? '');
    return `${rows.length} row(s)${rows.length ? `: ${rows.slice(0, 5).join(', ')}${rows.length > 5 ? ', …' : ''}` : ''}`;
  }
  return lines[first]!;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** The fleet table: host, engine, result, exit code, time, summary. Pure. */
export function renderFleetTable(results: readonly HostResult[], c: Palette = plainPalette): string {
  const rows = results.map((r) => [
    r.entry.name,
    r.entry.host,
    r.exitCode === EXIT.ok ? c.green('ok') : c.red('failed'),
    String(r.exitCode),
    seconds(r.ms),
    summaryOf(r),
  ]);
  return renderTable(rows, ['HOST', 'ENGINE', 'RESULT', 'EXIT', 'TIME', 'SUMMARY']);
}

/** One line under the table: how many hosts failed and which. Pure. */
export function fleetHeadline(results: readonly HostResult[]): string {
  const failed = results.filter((r) => r.exitCode !== EXIT.ok);
  if (failed.length === 0) return `All ${results.length} host${results.length === 1 ? '' : 's'} ok`;
  return `${failed.length} of ${results.length} host${results.length === 1 ? '' : 's'} failed: ${failed.map((r) => r.entry.name).join(', ')}`;
}

/** The --json object: every host's result, with its own JSON output parsed. Pure. */
export function fleetJson(results: readonly HostResult[]): Record<string, unknown> {
  const exitCode = mostSevere(results.map((r) => r.exitCode));
  return {
    outcome: exitCode === EXIT.ok ? 'success' : 'error',
    exitCode,
    summary: fleetHeadline(results),
    hosts: results.map((r) => ({
      name: r.entry.name,
      host: r.entry.host,
      outcome: r.exitCode === EXIT.ok ? 'success' : 'error',
      exitCode: r.exitCode,
      ms: Math.round(r.ms),
      summary: summaryOf(r),
      result: parseOutput(r.stdout),
      ...(r.error ? { error: r.error } : {}),
    })),
  };
}

/** A host's JSON object, or null when it printed none (e.g. it failed before printing). */
function parseOutput(stdout: string): unknown {
  if (!stdout.trim()) return null;
  try {
    return JSON.parse(stdout) as unknown;
  } catch {
    return { unparsed: stdout };
  }
}
