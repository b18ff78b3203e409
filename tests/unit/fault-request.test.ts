import { describe, expect, it } from 'vitest';
import { EXIT, UsageError } from '../../src/core/errors.ts';
import {
  checkService,
  controlParams,
  describeFaults,
  parseFaultRequest,
  pickReplica,
} from '../../src/core/fault-request.ts';

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).exitCode).toBe(EXIT.usage);
    return e as UsageError;
  }
  throw new Error('accepted');
}

describe('parseFaultRequest', () => {
  it.each([
    [
      'app/2',
      'latency=300',
      undefined,
      { service: 'app', replica: 2, fault: { kind: 'latency', ms: 300 }, seconds: undefined },
    ],
    ['app', 'latency=0', '30', { service: 'app', replica: undefined, fault: { kind: 'latency', ms: 0 }, seconds: 30 }],
    [
      'app/1',
      'errors=1',
      undefined,
      { service: 'app', replica: 1, fault: { kind: 'errors', rate: 1 }, seconds: undefined },
    ],
    [
      'app/1',
      'errors=0.25',
      '1.5',
      { service: 'app', replica: 1, fault: { kind: 'errors', rate: 0.25 }, seconds: 1.5 },
    ],
    [
      'app/1',
      'errors=.5',
      undefined,
      { service: 'app', replica: 1, fault: { kind: 'errors', rate: 0.5 }, seconds: undefined },
    ],
    ['web/12', 'hang', undefined, { service: 'web', replica: 12, fault: { kind: 'hang' }, seconds: undefined }],
    ['app/3', 'unhealthy', '60', { service: 'app', replica: 3, fault: { kind: 'unhealthy' }, seconds: 60 }],
    ['app/3', 'kill', undefined, { service: 'app', replica: 3, fault: { kind: 'kill' }, seconds: undefined }],
    ['app/3', 'pause', undefined, { service: 'app', replica: 3, fault: { kind: 'pause' }, seconds: undefined }],
    ['app', 'clear', undefined, { service: 'app', replica: undefined, fault: { kind: 'clear' }, seconds: undefined }],
  ] as const)('%s %s --for %s', (target, spec, seconds, expected) => {
    expect(parseFaultRequest(target, spec, seconds)).toEqual(expected);
  });

  it.each([
    ['app/0', 'hang', undefined, /replica number from 1/],
    ['app/01', 'hang', undefined, /replica number from 1/],
    ['app/x', 'hang', undefined, /e\.g\. app or app\/2/],
    ['App', 'hang', undefined, /service name/],
    ['app', 'latency=abc', undefined, /latency must be whole milliseconds from 0 to 60000 \(got "abc"\)/],
    ['app', 'latency=-5', undefined, /latency must be whole milliseconds/],
    ['app', 'latency=60001', undefined, /latency must be whole milliseconds/],
    ['app', 'latency', undefined, /latency needs milliseconds/],
    ['app', 'errors=1.5', undefined, /errors must be a rate from 0 to 1/],
    ['app', 'errors=-0.1', undefined, /errors must be a rate from 0 to 1/],
    ['app', 'errors=50%', undefined, /errors must be a rate from 0 to 1/],
    ['app', 'errors', undefined, /errors needs the rate/],
    ['app', 'hang=5', undefined, /hang takes no value/],
    ['app', 'explode', undefined, /unknown fault "explode"/],
    ['app', 'latency=1=2', undefined, /one "=" at most/],
    ['app', 'kill', '10', /--for works with latency, errors, hang, unhealthy, not with kill/],
    ['app', 'pause', '10', /not with pause/],
    ['app', 'clear', '10', /not with clear/],
    ['app', 'hang', '0', /--for "0" must be seconds from 0.001 to 86400/],
    ['app', 'hang', 'soon', /--for "soon"/],
    ['app', 'hang', '86401', /--for "86401"/],
  ] as const)('refuses %s %s --for %s', (target, spec, seconds, message) => {
    expect(usageError(() => parseFaultRequest(target, spec, seconds)).message).toMatch(message);
  });

  it('names the allowed faults when the fault is wrong', () => {
    expect(usageError(() => parseFaultRequest('app', 'explode')).hint).toMatch(
      /latency=MS, errors=RATE, hang, unhealthy, kill, pause, clear/,
    );
  });
});

describe('controlParams', () => {
  it.each([
    [{ kind: 'latency', ms: 300 }, undefined, { ms: '300' }],
    [{ kind: 'errors', rate: 0.5 }, 30, { rate: '0.5', for: '30' }],
    [{ kind: 'hang' }, undefined, {}],
    [{ kind: 'unhealthy' }, 2.5, { for: '2.5' }],
  ] as const)('%j for %s', (fault, seconds, expected) => {
    expect(controlParams(fault, seconds)).toEqual(expected);
  });
});

describe('pickReplica', () => {
  const replicas = [
    { number: 1, state: 'exited' },
    { number: 3, state: 'running' },
    { number: 2, state: 'running' },
  ];
  it('takes the replica named', () => expect(pickReplica({ service: 'app', replica: 1 }, replicas)).toBe(1));
  it('picks the lowest-numbered running replica', () =>
    expect(pickReplica({ service: 'app', replica: undefined }, replicas)).toBe(2));
  it('picks a stopped one when none runs', () =>
    expect(pickReplica({ service: 'app', replica: undefined }, [{ number: 4, state: 'exited' }])).toBe(4));
  it('refuses a replica out of range, naming the replicas', () => {
    expect(usageError(() => pickReplica({ service: 'app', replica: 9 }, replicas)).message).toBe(
      'app has no replica 9: its replicas are 1, 2, 3',
    );
  });
  it('refuses a service without replicas', () => {
    expect(usageError(() => pickReplica({ service: 'app', replica: undefined }, [])).message).toBe(
      'app has no replicas',
    );
  });
});

describe('checkService', () => {
  it('accepts an app service', () => expect(() => checkService('app', ['app', 'app', 'haproxy'])).not.toThrow());
  it.each([
    ['haproxy', /Unknown service "haproxy".*which are app$/],
    ['web', /Unknown service "web".*which are app$/],
  ])('refuses %s, naming the app services', (service, message) => {
    expect(usageError(() => checkService(service, ['app', 'app', 'haproxy'])).message).toMatch(message);
  });
});

describe('describeFaults', () => {
  it.each([
    ['running', {}, []],
    ['running', undefined, []],
    ['paused', undefined, ['paused']],
    ['exited', undefined, ['stopped (exited)']],
    ['running', { latency: { ms: 300, since: '2026-01-01T12:00:00.000Z', until: null } }, ['latency 300 ms']],
    [
      'running',
      { latency: { ms: 300, since: '2026-01-01T12:00:00.000Z', until: '2026-01-01T12:00:30.000Z' } },
      ['latency 300 ms until 12:00:30'],
    ],
    [
      'running',
      { errors: { rate: 0.25, status: 500, seen: 8, failed: 2, until: null } },
      ['errors 25% (2 of 8 failed)'],
    ],
    ['running', { errors: { rate: 1, status: 500, seen: 0, failed: 0, until: null } }, ['errors 100%']],
    ['running', { unhealthy: { status: 503, until: null }, hang: { until: null } }, ['hang', 'unhealthy (health 503)']],
  ] as const)('%s %j', (state, app, expected) => {
    expect(describeFaults(state, app)).toEqual(expected);
  });
});
