/**
 * Reading HAProxy's own log for the reason a start or a reload failed. Pure.
 *
 * A failed reload leaves the old workers running, and they keep logging what running workers
 * log: DNS answers changing a server's address, health checks taking servers UP or DOWN, old
 * proxies stopping. On a fast machine those lines come before the reload's own [ALERT]s, so
 * "the first alarming lines" blamed an IP change for a missing file (issue #28). The reason is
 * the reload's alerts ("Cannot open configuration file", "Loading failure!"); warnings count
 * only when there is no alert, and a running worker's routine lines never do.
 * Messages: https://github.com/haproxy/haproxy/blob/v3.0.0/src/server.c (srv_update_addr,
 * "IP changed from", "is going DOWN for maintenance") and src/check.c ("is UP/DOWN, reason").
 */

/** What a running worker logs in its normal life, never the cause of a failed reload. */
const ROUTINE = [
  /\bIP changed from\b/, // a DNS answer moved a server: "app/app1: IP changed from '(none)' to '172.21.0.2' by 'docker/dns1'."
  /\bchanged its IP from\b/,
  /\bServer \S+ (\('[^']*'\) )?is (UP|DOWN|going DOWN|going UP|stopped)/, // health checks and maintenance
  /\bServer \S+ (\('[^']*'\) )?(administratively|was DOWN|is (now )?(READY|MAINT))/,
  /\bhas no server available!?/,
  /\bProxy \S+ stopped\b/, // an old worker winding down after a successful reload
  /\bStopping (frontend|backend|proxy)\b/,
  /\bcould not resolve address\b|\bunable to resolve\b|\bDNS (cache|answer|resolution)\b/i,
  /\bby 'DNS cache'/,
  /Can't open global server state file/, // before lab's first reload writes it (core/seamless-reload.ts)
];

export const isRoutineWorkerLine = (line: string): boolean => ROUTINE.some((r) => r.test(line));

const isAlert = (l: string) => (/\[ALERT\]/.test(l) || /Loading failure/.test(l)) && !isRoutineWorkerLine(l);
const isWarning = (l: string) => /\[WARNING\]/.test(l) && !isRoutineWorkerLine(l);

/**
 * HAProxy's own words about a failed start or reload: its alerts (with "Loading failure!"),
 * else its non-routine warnings, else the last lines that are not routine. At most `max`,
 * the latest ones.
 */
export function reloadFailureLines(log: readonly string[], max = 8): string[] {
  const alerts = log.filter(isAlert);
  if (alerts.length) return alerts.slice(-max);
  const warnings = log.filter(isWarning);
  if (warnings.length) return warnings.slice(-max);
  return log.filter((l) => !isRoutineWorkerLine(l)).slice(-max);
}

/** The same, only when HAProxy said something alarming (no fallback to plain lines). */
export function reloadFailureReason(log: readonly string[], max = 2): string[] {
  const alerts = log.filter(isAlert);
  return (alerts.length ? alerts : log.filter(isWarning)).slice(0, max);
}
