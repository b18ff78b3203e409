import type { Verdict } from './verdicts-http.ts';

/**
 * The affinity check's verdict: each client stays on one server, and different clients spread
 * over at least `spread` servers. Pure. A sender is a client container (by its number) or,
 * from this machine, a browser with its own cookie jar.
 */
export interface AffinityInput {
  by: 'cookie' | 'source' | 'connection';
  spread: number;
  senders: readonly AffinitySender[];
}

interface AffinitySender {
  sender: string;
  sent: number;
  failed: number;
  /** Answers by server (HAProxy's X-Served-By, else the app's X-App). */
  byServer: Readonly<Record<string, number>>;
}

const WHY = {
  source: 'with balance source every request of one client (one source IP) goes to one server',
  cookie:
    'with a cookie (e.g. cookie SERVERID insert) every request of one browser goes to the server whose cookie it carries',
  connection:
    'in mode tcp (L4) HAProxy picks a server once per connection, so every request sent over one kept-alive connection goes to that server; in mode http (L7) it picks one per request',
};
const SPREAD = {
  source: 'as the hash of their different IPs does',
  cookie: 'as the algorithm places each new browser before it has a cookie',
  connection: 'as the algorithm places each new connection',
};

const counts = (byServer: Readonly<Record<string, number>>) =>
  Object.entries(byServer)
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');

export function judgeAffinity(i: AffinityInput): Verdict & { servers: string[] } {
  const fail = (reason: string) => ({ pass: false, reason, servers: [] });
  const answered = i.senders.filter((s) => s.sent > s.failed);
  if (!answered.length)
    return fail(
      `no request was answered (${i.senders.length} client(s) sent ${i.senders.reduce((n, s) => n + s.sent, 0)}): is HAProxy serving?`,
    );
  const failing = i.senders.filter((s) => s.failed > 0);
  if (failing.length)
    return fail(
      `${failing.map((s) => `${s.sender}: ${s.failed} of ${s.sent} requests failed`).join('; ')}; affinity is judged on answered requests only, so fix the failures first`,
    );
  const scattered = i.senders.filter((s) => Object.keys(s.byServer).length > 1);
  if (scattered.length) {
    const s = scattered[0]!;
    const more = scattered.length > 1 ? ` (and ${scattered.length - 1} more client(s) like it)` : '';
    return fail(
      `${s.sender}'s ${s.sent} requests went to ${Object.keys(s.byServer).length} servers: ${counts(s.byServer)}${more}; ${WHY[i.by]}`,
    );
  }
  const pinned = i.senders.map((s) => ({ sender: s.sender, server: Object.keys(s.byServer)[0] ?? '(none)' }));
  const servers = [...new Set(pinned.map((p) => p.server))].sort();
  const where = pinned.map((p) => `${p.sender} → ${p.server}`).join(', ');
  if (i.senders.length < i.spread) {
    return {
      pass: false,
      reason: `the check wants ${i.spread} servers reached but only ${i.senders.length} client(s) sent (${where}); give the lab more clients or lower spread`,
      servers,
    };
  }
  if (servers.length < i.spread) {
    return {
      pass: false,
      reason: `every client stayed on one server, but all ${i.senders.length} landed on ${servers.length === 1 ? servers[0] : `only ${servers.length} servers`} (${where}); different clients should spread over at least ${i.spread} servers, ${SPREAD[i.by]}`,
      servers,
    };
  }
  return {
    pass: true,
    reason: `each of ${i.senders.length} clients stayed on one server (${where}): ${servers.length} server(s) in all`,
    servers,
  };
}
