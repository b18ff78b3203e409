import type { ServerDelta, ServerState } from './haproxy-servers.ts';
import type { Algorithm, Mode } from './lab-schema.ts';

/** What a distribution check measured: HAProxy's per-server deltas plus what the client saw. */
export interface DistributionInput {
  algorithm: Algorithm;
  mode: Mode;
  /** Cookie persistence (http only); the caller's requests carry the cookie jar. */
  sticky: boolean;
  /** Replicas the lab expects to be running. */
  replicas: number;
  deltas: readonly ServerDelta[];
  /** Requests sent by the client. */
  requests: number;
  /** Requests that failed on the client side (errors, non-2xx). */
  failed: number;
  /** X-Served-By tally per server name (http only), shown next to HAProxy's count. */
  clientServers?: Readonly<Record<string, number>>;
  /** Allowed relative deviation from an even share; 0.2 = ±20%. */
  tolerance?: number;
}

export interface DistributionRow {
  name: string;
  /** Requests HAProxy counted for this server during the run. */
  requests: number;
  /** requests / all requests HAProxy counted, 0..1. */
  share: number;
  state: ServerState;
  /** Responses the client saw carrying this server's X-Served-By, when tallied. */
  client?: number;
}

export interface DistributionResult {
  verdict: 'PASS' | 'FAIL';
  reason: string;
  /** What this algorithm should do with the load, in one sentence. */
  expectation: string;
  rows: DistributionRow[];
}

/** app2 before app10. */
export const compareNames: (a: string, b: string) => number = new Intl.Collator('en', { numeric: true }).compare;

export const pct = (x: number) => `${Math.round(x * 100)}%`;
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
export const list = (names: readonly string[]) => names.join(', ');
export const isAre = (names: readonly string[]) => `${list(names)} ${names.length === 1 ? 'is' : 'are'}`;
