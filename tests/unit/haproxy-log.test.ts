import { describe, expect, it } from 'vitest';
import { isRoutineWorkerLine, reloadFailureLines, reloadFailureReason } from '../../src/core/haproxy-log.ts';

const request =
  '172.27.0.1:36494 [29/Nov/2026:00:28:04.491] stats stats/<STATS> 0/0/0/0/0 200 7501 - - LR-- 1/1/0/0/0 0/0 "GET /;csv;norefresh HTTP/1.1"';
const reloading = '[NOTICE]   (1) : Reloading HAProxy';
const ipNone = "[WARNING]  (7) : app/app1: IP changed from '(none)' to '172.21.0.2' by 'docker/dns1'.";
const ipCache = "[WARNING]  (7) : app/app2: IP changed from '(none)' to '172.21.0.3' by 'DNS cache'.";
const up =
  '[WARNING]  (7) : Server app/app1 is UP, reason: Layer7 check passed, code: 200, check duration: 1ms. 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.';
const down =
  '[WARNING]  (7) : Server app/app2 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 2 active and 0 backup servers left.';
const maint =
  "[WARNING]  (7) : Server app/app4 ('app-4') is going DOWN for maintenance (No IP for server ). 3 active and 0 backup servers left.";
const ready = '[WARNING]  (7) : Server app/app3 administratively READY thanks to valid DNS answer.';
const noServer = "[ALERT]    (7) : backend 'app' has no server available!";
const stopped = '[WARNING]  (8) : Proxy app stopped (cumulated conns: FE: 0, BE: 3).';
const cannotOpen =
  '[ALERT]    (1) : config : Cannot open configuration file/directory /usr/local/etc/haproxy/haproxy.cfg : No such file or directory';
const loadingFailure = '[WARNING]  (1) : Loading failure!';
const unknownKeyword =
  "[ALERT]    (1) : config : parsing [/usr/local/etc/haproxy/haproxy.cfg:12] : unknown keyword 'balanse' in 'backend' section";
const ownWarning =
  "[WARNING]  (1) : config : parsing [/usr/local/etc/haproxy/haproxy.cfg:9] : 'option httplog' not usable with proxy 'raw' (needs 'mode http').";

describe('routine lines of running workers', () => {
  it.each([ipNone, ipCache, up, down, maint, ready, noServer, stopped])('%s is routine', (line) => {
    expect(isRoutineWorkerLine(line)).toBe(true);
  });
  it.each([cannotOpen, loadingFailure, unknownKeyword, ownWarning, reloading])('%s is not routine', (line) => {
    expect(isRoutineWorkerLine(line)).toBe(false);
  });
});

describe("the reason of a failed reload, in HAProxy's words", () => {
  it.each<[string, string[], string[]]>([
    // The log a fast machine gave (issue #28): the workers' DNS warnings come first.
    [
      'alerts win over DNS warnings that came first',
      [ipNone, ipCache, reloading, cannotOpen, loadingFailure],
      [cannotOpen, loadingFailure],
    ],
    [
      'alerts win over warnings of the reload itself',
      [reloading, ownWarning, unknownKeyword, loadingFailure],
      [unknownKeyword, loadingFailure],
    ],
    ['warnings only when there is no alert', [request, ipNone, ownWarning, request], [ownWarning]],
    ['health-check and maintenance lines are never a reason', [up, down, maint, ready, stopped], []],
    ["a worker's 'no server available' alert is not the reload's", [noServer, reloading, cannotOpen], [cannotOpen]],
    ['nothing alarming: nothing', [request, reloading], []],
  ])('%s', (_, log, reason) => {
    expect(reloadFailureReason(log, 2)).toEqual(reason);
  });

  it('the full explanation falls back to the last non-routine lines when HAProxy said nothing alarming', () => {
    expect(reloadFailureLines([request, ipNone, reloading, up], 2)).toEqual([request, reloading]);
  });
  it('the full explanation keeps the latest alerts, at most max', () => {
    expect(reloadFailureLines([ipNone, cannotOpen, unknownKeyword, loadingFailure], 2)).toEqual([
      unknownKeyword,
      loadingFailure,
    ]);
  });
});
