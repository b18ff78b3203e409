import { type LoadSummary, mergeSummaries } from '../core/load-summary.ts';
import type { HttpAnswer } from '../core/verdicts-http.ts';

/**
 * Where a check's (or `lab load`'s) traffic comes from: the lab's client containers inside its
 * network when it has `clients:` (traffic/clients.ts), else this machine through HAProxy's
 * published port (traffic/loopback.ts). Checks ask for traffic here and never decide where
 * it comes from; checks/target.ts picks the source once.
 */
export interface LoadRequest {
  /** Path (and query) on HAProxy's app port, e.g. / or /work?ms=20. */
  path: string;
  headers?: Record<string, string> | undefined;
  /** Requests in all (split over the senders); with durationS, whichever comes first. */
  requests?: number | undefined;
  durationS?: number | undefined;
  /** Requests per second in all (open loop); without it each sender's requests follow its last answer. */
  rate?: number | undefined;
  /** Requests in flight in all (split over the senders). */
  concurrency: number;
  /** false: a new connection per request (L4 balancing decides per connection). */
  keepAlive: boolean;
  /** Each sender keeps cookies like one browser (sticky sessions). */
  cookies: boolean;
  timeoutMs?: number | undefined;
}

/** One sender's part of a run: a client container, or one of this machine's "browsers". */
export interface SenderSummary {
  /** How a report names it: "client 2" (container lab-03-client-2), "browser 1". */
  sender: string;
  summary: LoadSummary;
}

export interface ProbeRequest {
  method: string;
  path: string;
  headers?: Record<string, string> | undefined;
}

/** A run going on in the background (lab load, the failover drill). */
export interface RunningLoad {
  /** What every sender saw so far. */
  snapshot(): Promise<SenderSummary[]>;
  /** Stop it now; what every sender saw. */
  stop(): Promise<SenderSummary[]>;
  /** When every sender is done. */
  done: Promise<SenderSummary[]>;
}

export interface TrafficSource {
  kind: 'clients' | 'loopback';
  /** For reports: "3 clients in the lab network", "this machine (127.0.0.1:8080)". */
  where: string;
  /** Senders available: client containers, or unlimited browsers on this machine. */
  senders: number;
  /** A run to its end, on `senders` senders (default: all; this machine: one) in parallel. */
  run(req: LoadRequest, senders?: number, signal?: AbortSignal): Promise<SenderSummary[]>;
  start(req: LoadRequest, senders?: number): Promise<RunningLoad>;
  /** Requests one after another from one sender, like one client; with `cookies`, one browser keeping them. */
  probe(requests: readonly ProbeRequest[], cookies: boolean, signal?: AbortSignal): Promise<HttpAnswer[]>;
}

/** Every sender's part as one summary (core/load-summary.ts mergeSummaries). */
export const merged = (list: readonly SenderSummary[]): LoadSummary => mergeSummaries(list.map((s) => s.summary));
