import { describe, expect, it } from 'vitest';
import {
  answeredSinceReload,
  keepServerStates,
  seamlessReloadDefaults,
  serverStateGlobal,
  SERVER_STATE_FILE,
} from '../../src/core/seamless-reload.ts';

const row = (pxname: string, svname: string, req: number, x5: number) => ({
  pxname,
  svname,
  raw: { req_tot: String(req), hrsp_5xx: String(x5) },
});

describe('what the new workers answered since a reload', () => {
  it.each<[string, ReturnType<typeof row>[], { requests: number; http5xx: number }]>([
    ['no traffic', [row('web', 'FRONTEND', 0, 0), row('lab_stats', 'FRONTEND', 3, 0)], { requests: 0, http5xx: 0 }],
    [
      'a clean reload under load',
      [row('web', 'FRONTEND', 812, 0), row('app', 'BACKEND', 812, 0)],
      { requests: 812, http5xx: 0 },
    ],
    [
      '503s while servers were unresolved',
      [row('web', 'FRONTEND', 400, 11), row('app', 'app1', 200, 0)],
      { requests: 400, http5xx: 11 },
    ],
    [
      'every frontend of the student counts, lab stats page never',
      [row('web', 'FRONTEND', 10, 1), row('tcp_in', 'FRONTEND', 5, 0), row('lab_stats', 'FRONTEND', 99, 9)],
      { requests: 15, http5xx: 1 },
    ],
    [
      'a listen section is a frontend too',
      [row('pool', 'FRONTEND', 7, 0), row('pool', 'BACKEND', 7, 0)],
      { requests: 7, http5xx: 0 },
    ],
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

describe('which servers keep their state over a reload', () => {
  // A dump as HAProxy 3.0 writes it (format 1): two template slots and a fixed server.
  const header =
    '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port';
  const line = (be: string, name: string, addr: string, fqdn: string, port: number) =>
    `3 ${be} 1 ${name} ${addr} 2 0 1 1 136 15 3 3 6 0 0 0 ${fqdn} ${port} - 0 0 - - 0`;
  const dump = [
    '1',
    header,
    line('app', 'app1', '172.28.0.4', 'app', 8000),
    line('app', 'app2', '172.28.0.3', 'app', 8000),
    line('static', 's1', '10.0.0.9', '-', 80),
  ].join('\n');
  const kept = (cfg: string) =>
    keepServerStates(dump, [cfg])
      .split('\n')
      .slice(2)
      .map((l) => l.split(' ')[3]);

  it.each<[string, string, string[]]>([
    ['the same template: every slot', 'backend app\n    server-template app 1-10 app:8000 check', ['app1', 'app2']],
    [
      'a listen section of the same name',
      'listen app\n    bind :8080\n    server-template app 1-10 app:8000 resolvers docker',
      ['app1', 'app2'],
    ],
    [
      'the port changed (app:80): none, the servers start as configured (HAProxy would keep 8000)',
      'backend app\n    server-template app 1-10 app:80',
      [],
    ],
    ['a fixed server line of the same name and address', 'backend app\n    server app1 app:8000', ['app1']],
    ['a fixed server line to another host', 'backend app\n    server app1 other:8000', []],
    ['another prefix', 'backend app\n    server-template web 1-10 app:8000', []],
    ['another backend name', 'backend pool\n    server-template app 1-10 app:8000', []],
    ['a server defined by IP', 'backend static\n    server s1 10.0.0.9:80', ['s1']],
    ['a commented-out line defines nothing', 'backend app\n    # server-template app 1-10 app:8000', []],
    ['a frontend defines no servers', 'frontend app\n    server-template app 1-10 app:8000', []],
  ])('%s', (_, cfg, names) => {
    expect(kept(cfg)).toEqual(names);
  });

  it('a server that does not serve (DOWN) starts as configured, not DOWN with its old check result', () => {
    const down = line('app', 'app1', '172.28.0.4', 'app', 8000).replace(/^(3 app 1 app1 172\.28\.0\.4) 2 /, '$1 0 ');
    expect(
      keepServerStates(['1', header, down].join('\n'), ['backend app\n    server-template app 1-10 app:8000']).split(
        '\n',
      ),
    ).toEqual(['1', header]);
  });

  it('a kept server carries its address and UP, not its check result, admin state or check and agent addresses', () => {
    const drained = line('app', 'app2', '172.28.0.3', 'app', 8000)
      .replace(/^(3 app 1 app2 172\.28\.0\.3 2) 0 /, '$1 8 ')
      .replace(/ 0 - - 0$/, ' 8001 10.9.9.9 10.9.9.9 7777');
    const [, , kept] = keepServerStates(['1', header, drained].join('\n'), [
      'backend app\n    server-template app 1-10 app:8000',
    ]).split('\n');
    const f = kept!.split(' ');
    expect([f[3], f[4], f[5]]).toEqual(['app2', '172.28.0.3', '2']);
    expect([f[6], f[10], f[11]]).toEqual(['0', '1', '0']);
    expect(f.slice(21)).toEqual(['0', '-', '-', '0']);
  });

  it('keeps the version and header lines, so HAProxy reads what is left', () => {
    expect(keepServerStates(dump, ['backend none\n']).split('\n')).toEqual(['1', header]);
  });
});
