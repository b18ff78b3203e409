import { describe, expect, it } from 'vitest';
import { parseLoadSettings, renderLoadSummary } from '../../src/core/load-report.ts';
import { emptySummary } from '../../src/core/load-summary.ts';
import { makeColors } from '../../src/ui/colors.ts';

describe('lab load settings', () => {
  it.each([
    {
      name: 'defaults: 20/s until Ctrl-C',
      o: {},
      want: { rate: 20, durationS: 3600, untilStopped: true, concurrency: 20, clients: undefined, path: '/' },
    },
    {
      name: 'rate, duration, clients, path',
      o: { rate: '2.5', duration: '10', clients: '2', path: '/slow?ms=200' },
      want: { rate: 2.5, durationS: 10, untilStopped: false, concurrency: 8, clients: 2, path: '/slow?ms=200' },
    },
    { name: 'a high rate raises the concurrency', o: { rate: '1000' }, want: { rate: 1000, concurrency: 256 } },
  ])('$name', ({ o, want }) => expect(parseLoadSettings(o)).toMatchObject(want));

  it.each([
    { o: { rate: '0' }, message: /^--rate must be a number above 0 and at most 100000 \(got "0"\)$/ },
    { o: { rate: '-5' }, message: /^--rate must be a number above 0/ },
    { o: { rate: 'fast' }, message: /^--rate must be a number above 0/ },
    { o: { duration: '3601' }, message: /^--duration must be a number above 0 and at most 3600/ },
    { o: { clients: '1.5' }, message: /^--clients must be a whole number above 0/ },
    { o: { concurrency: '0' }, message: /^--concurrency must be a whole number above 0/ },
    { o: { path: 'slow' }, message: /^--path must be a path like \/ or \/work\?ms=20 \(got "slow"\)$/ },
  ])('rejects $o', ({ o, message }) => {
    expect(() => parseLoadSettings(o)).toThrow(message);
  });
});

describe('lab load summary', () => {
  const c = makeColors(false);
  it('names sent, failures by cause, percentiles and answers per server', () => {
    const s = {
      ...emptySummary(),
      sent: 100,
      ok: 98,
      failed: 2,
      failures: { connect: 0, timeout: 1, '5xx': 1, other: 0 },
      durationMs: 5000,
      rps: 20,
      latencyMs: { p50: 2, p95: 9, p99: 15, max: 30, mean: 3 },
      byServedBy: { app2: 49, app1: 49 },
      errors: ['HTTP 503'],
    };
    const text = renderLoadSummary(
      s,
      [
        { sender: 'client 1', summary: s },
        { sender: 'client 2', summary: s },
      ],
      c,
    ).join('\n');
    expect(text).toMatch(
      /^sent 100 in 5\.0 s \(20 req\/s\)\nfailed 2 \(timeout 1, 5xx 1\): HTTP 503\nlatency p50 2 ms, p95 9 ms, p99 15 ms, max 30 ms \(percentiles: the slowest client's\)/,
    );
    expect(text).toMatch(/app1\s+49\s+50%\napp2\s+49\s+50%/);
    expect(text).toMatch(/client 2\s+100\s+2\s+20/);
  });
});
