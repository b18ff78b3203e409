// Types for the tests (the app itself is plain JavaScript run by Node).
export class RedisError extends Error {}
export interface RedisSettings { host: string; port: number; db: number; username: string | null; password: string | null }
export type Reply = string | number | null | RedisError | Reply[];
export function parseRedisUrl(text: string): RedisSettings | Error;
export function encodeCommand(args: (string | number)[]): string;
export function parseReply(buf: Buffer, at?: number): { value: Reply; next: number } | null;
export class RedisClient {
  constructor(settings: RedisSettings, o?: { timeoutMs?: number; retryMs?: number });
  readonly where: string;
  pipeline(commands: (string | number)[][]): Promise<Reply[]>;
  command(...args: (string | number)[]): Promise<Reply>;
  close(): void;
}
