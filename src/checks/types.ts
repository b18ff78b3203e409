import type { CheckKind } from '../core/lab-schema.ts';

export interface CheckResult {
  name: string;
  kind: CheckKind;
  verdict: 'PASS' | 'FAIL';
  reason: string;
  ms: number;
  /** Text a person reads: a table, a timeline. */
  report: string[];
  /** Numbers for --json. */
  data?: unknown;
}
