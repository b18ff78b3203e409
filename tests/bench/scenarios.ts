/**
 * The bench's longer scenarios, apart from run.ts's table: the failover drill (how fast HAProxy
 * takes a stopped replica out and a restarted one back in) and the cost curve (up-to-ready and
 * down at growing replica counts, lab next to raw Compose, with the seconds per added replica).
 */

export interface DrillEvent {
  atMs: number;
  text: string;
}

export interface DrillTimes {
  /** From the replica's container being stopped to HAProxy showing it not UP. */
  outMs: number;
  /** From the container being started again to HAProxy having it UP with a passed check. */
  backMs: number;
  sent: number;
  failed: number;
}

/** Read the failover drill's timings off its event log (`lab check --failover --json`). */
export function drillTimes(data: { sent: number; failed: number; events: DrillEvent[] }): DrillTimes {
  const at = (re: RegExp) => {
    const e = data.events.find((x) => re.test(x.text));
    if (!e) throw new Error(`failover drill: no event matching ${re} in ${JSON.stringify(data.events)}`);
    return e.atMs;
  };
  return {
    outMs: at(/^HAProxy (marked|dropped) /) - at(/^stopped /),
    backMs: at(/^HAProxy has .* UP again/) - at(/^started /),
    sent: data.sent,
    failed: data.failed,
  };
}

/** Least-squares slope of y over x: the cost of one more replica, in y's unit. */
export function slope(points: [x: number, y: number][]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return num / den;
}

export interface CurvePoint {
  replicas: number;
  labUpMs: number;
  labDownMs: number;
  rawUpMs: number;
  rawDownMs: number;
}

/** The cost curve as text rows: one per replica count, then the slopes in seconds per added replica. */
export function curveRows(points: CurvePoint[]): string[][] {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const per = (k: keyof Omit<CurvePoint, 'replicas'>) =>
    `${(slope(points.map((p) => [p.replicas, p[k] / 1000])) * 1000).toFixed(0)} ms`;
  return [
    ...points.map((p) => [String(p.replicas), s(p.labUpMs), s(p.rawUpMs), s(p.labDownMs), s(p.rawDownMs)]),
    ['per added replica', per('labUpMs'), per('rawUpMs'), per('labDownMs'), per('rawDownMs')],
  ];
}
