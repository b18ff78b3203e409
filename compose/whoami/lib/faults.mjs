// Faults a lab injects through the control port, and the decisions the app asks of them.
import { HttpError, num, onlyParams } from './http.mjs';

/** The faults the control port takes, with the parameters of each (`for` = seconds, optional). */
export const FAULTS = {
  latency: ['ms', 'for'],
  errors: ['rate', 'status', 'for'],
  hang: ['for'],
  unhealthy: ['status', 'for'],
  exit: ['code'],
};

/** One fault's settings from its parameters, or an HttpError that names the bad one. Pure. */
export function parseFault(kind, params) {
  if (!Object.hasOwn(FAULTS, kind)) {
    throw new HttpError(404, `no fault named ${JSON.stringify(kind)}: use one of ${Object.keys(FAULTS).join(', ')}`);
  }
  onlyParams(params, FAULTS[kind], kind);
  const seconds = FAULTS[kind].includes('for') ? num(params, 'for', { min: 0.001, max: 86_400, fallback: null }) : null;
  switch (kind) {
    case 'latency': return { ms: num(params, 'ms', { min: 0, max: 60_000, integer: true }), seconds };
    case 'errors': return {
      rate: num(params, 'rate', { min: 0, max: 1 }),
      status: num(params, 'status', { min: 500, max: 599, integer: true, fallback: 500 }),
      seconds,
    };
    case 'hang': return { seconds };
    case 'unhealthy': return { status: num(params, 'status', { min: 400, max: 599, integer: true, fallback: 503 }), seconds };
    default: return { code: num(params, 'code', { min: 0, max: 255, integer: true, fallback: 1 }) };
  }
}

/**
 * The active faults. A fault given `seconds` clears itself when they are over; `onClear(kind)`
 * is told of every clearing (the app uses it to drop the connections a hang held).
 */
export class Faults {
  #active = new Map();
  #onClear;

  constructor(onClear = () => {}) {
    this.#onClear = onClear;
  }

  set(kind, settings) {
    this.clear(kind);
    const { seconds, ...rest } = settings;
    const now = Date.now();
    const fault = { ...rest, since: now, until: seconds === null ? null : now + seconds * 1000, seen: 0, failed: 0, timer: null };
    if (seconds !== null) fault.timer = setTimeout(() => this.clear(kind), seconds * 1000).unref();
    this.#active.set(kind, fault);
  }

  /** Clears one fault; false when it was not active. */
  clear(kind) {
    const fault = this.#active.get(kind);
    if (!fault) return false;
    clearTimeout(fault.timer);
    this.#active.delete(kind);
    this.#onClear(kind);
    return true;
  }

  clearAll() {
    return [...this.#active.keys()].filter((kind) => this.clear(kind));
  }

  get hang() {
    return this.#active.has('hang');
  }

  get latencyMs() {
    return this.#active.get('latency')?.ms ?? 0;
  }

  /** The status /health must answer instead of its own, or 0. */
  get unhealthyStatus() {
    return this.#active.get('unhealthy')?.status ?? 0;
  }

  /**
   * The status of an injected error for this request, or 0. Exactly `rate` of the requests
   * since the fault was set fail, spread evenly (rate 0.25: every 4th), so a check can count.
   */
  errorStatus() {
    const fault = this.#active.get('errors');
    if (!fault) return 0;
    fault.seen += 1;
    if (Math.floor(fault.seen * fault.rate) <= fault.failed) return 0;
    fault.failed += 1;
    return fault.status;
  }

  /** The active faults as JSON: settings, since/until (ISO), and for errors what they did. */
  view() {
    const out = {};
    for (const [kind, { since, until, seen, failed, timer, ...settings }] of this.#active) {
      out[kind] = {
        ...settings,
        since: new Date(since).toISOString(),
        until: until === null ? null : new Date(until).toISOString(),
        ...(kind === 'errors' ? { seen, failed } : {}),
      };
    }
    return out;
  }
}
