import { describe, expect, it } from 'vitest';
import { answeredSinceReload, seamlessReloadDefaults, serverStateGlobal, SERVER_STATE_FILE } from '../../src/core/seamless-reload.ts';

const row = (pxname: string, svname: string, req: number, x5: number) => ({ pxname, svname, raw: { req_tot: String(req), hrsp_5xx: String(x5) } });

describe('what the new workers answered since a reload', () => {
  it.each<[string, ReturnType<typeof row>[], { requests: number; http5xx: number }]>([
    ['no traffic', [row('web', 'FRONTEND', 0, 0), row('lab_stats', 'FRONTEND', 3, 0)], { requests: 0, http5xx: 0 }],
    ['a clean reload under load', [row('web', 'FRONTEND', 812, 0), row('app', 'BACKEND', 812, 0)], { requests: 812, http5xx: 0 }],
    ['503s while servers were unresolved', [row('web', 'FRONTEND', 400, 11), row('app', 'app1', 200, 0)], { requests: 400, http5xx: 11 }],
    ['every frontend of the student counts, lab stats page never', [row('web', 'FRONTEND', 10, 1), row('tcp_in', 'FRONTEND', 5, 0), row('lab_stats', 'FRONTEND', 99, 9)], { requests: 15, http5xx: 1 }],
    ['a listen section is a frontend too', [row('pool', 'FRONTEND', 7, 0), row('pool', 'BACKEND', 7, 0)], { requests: 7, http5xx: 0 }],
  ])('%s', (_, rows, expected) => {
    expect(answeredSinceReload(rows, ['lab_stats'])).toEqual(expected);
  });
});

describe('the lines that make a reload seamless', () => {
  it('global names the state file lab writes before each reload', () => {
    expect(serverStateGlobal().join('\n')).toContain(`server-state-file ${SERVER_STATE_FILE}`);
  });
  it('defaults load it; idle-close-on-response only in http (HAProxy warns that a tcp proxy ignores it)', () => {
    expect(seamlessReloadDefaults(true)).toContain('    load-server-state-from-file global');
    expect(seamlessReloadDefaults(true)).toContain('    option idle-close-on-response');
    expect(seamlessReloadDefaults(false).join('\n')).not.toContain('idle-close-on-response');
  });
});
