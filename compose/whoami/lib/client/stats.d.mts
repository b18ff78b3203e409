// Types for the tests (the app itself is plain JavaScript run by Node).
export interface RequestResult { status: number; ms: number; cause?: 'connect' | 'timeout' | 'other'; error?: string; app?: string; servedBy?: string; session?: string }
export class Histogram {
  n: number;
  max: number;
  add(ms: number): void;
  percentile(p: number): number;
}
export function outcome(r: RequestResult): 'ok' | 'connect' | 'timeout' | '5xx' | 'other';
export interface Summary {
  sent: number; ok: number; failed: number;
  failures: { connect: number; timeout: number; '5xx': number; other: number };
  durationMs: number; rps: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  byApp: Record<string, number>; byService: Record<string, number>; byVersion: Record<string, number>;
  failedByApp: Record<string, number>; byServedBy: Record<string, number>;
  sessions: { new: number; kept: number; lost: number };
  errors: string[];
}
export class Tally {
  sent: number;
  ok: number;
  readonly failed: number;
  record(r: RequestResult): void;
  summary(ms: number): Summary;
  tick(t: number): { type: 'tick'; t: number; sent: number; ok: number; failed: number; failures: Summary['failures']; p50: number; p95: number; byApp: Record<string, number> };
}
