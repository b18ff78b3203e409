// Types for the tests (the app itself is plain JavaScript run by Node).
export interface RunSpec {
  url: string; rate: number | null; concurrency: number; duration: number | null; requests: number | null;
  keepAlive: boolean; headers: Record<string, string>; cookies: boolean; timeoutMs: number; ticks: boolean;
}
export function runSpec(input: Record<string, unknown>): RunSpec;
export const USAGE: string;
export function parseClientArgs(argv: string[], env?: Record<string, string | undefined>): { help: true } | { serve: number } | { spec: RunSpec };
