// Types for the tests (the app itself is plain JavaScript run by Node).
export class HttpError extends Error {
  constructor(status: number, message: string);
  status: number;
}
export function num(params: Record<string, unknown>, name: string, o: { min: number; max: number; integer?: boolean; fallback?: number | null }): number;
export function onlyParams(params: Record<string, unknown>, allowed: string[], what: string): void;
