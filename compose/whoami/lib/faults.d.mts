// Types for the tests (the app itself is plain JavaScript run by Node).
export type FaultKind = 'latency' | 'errors' | 'hang' | 'unhealthy' | 'exit';
export const FAULTS: Record<FaultKind, string[]>;
export type FaultSettings = Record<string, number | null>;
export function parseFault(kind: string, params: Record<string, unknown>): FaultSettings;
export class Faults {
  constructor(onClear?: (kind: string) => void);
  set(kind: string, settings: FaultSettings): void;
  clear(kind: string): boolean;
  clearAll(): string[];
  readonly hang: boolean;
  readonly latencyMs: number;
  readonly unhealthyStatus: number;
  errorStatus(): number;
  view(): Record<string, Record<string, unknown>>;
}
