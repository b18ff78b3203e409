import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { studentRefusals } from '../../src/core/student-refusals.ts';

const FILE = '/usr/local/etc/haproxy/haproxy.cfg';
const refusals = (text: string) => studentRefusals(text, FILE).map((r) => `${r.line}: ${r.why}`);
const G = 'global\n';
const F = 'frontend web\n    mode http\n';

/** Each case: the file, then a pattern for each refusal (line: why), in order. */
describe("what lab refuses in a student's file, judged on what HAProxy reads: studentRefusals", () => {
  it.each<[string, string, RegExp[]]>([
    // Every written form of a bind on lab's ports (what lab refused before, kept).
    ['bind :1936', `${F}    bind :1936`, [/^3: binds port 1936, which is lab's stats page/]],
    // A review's bypasses: a check's or agent's own port, and loopback spellings libc resolves.
    [
      'check port 9999',
      `backend b\n    server a1 app:8000 check addr 127.0.0.1 port 9999`,
      [/^2: port 9999: a health check or agent would connect to HAProxy's runtime API/],
    ],
    [
      'tcp-check connect port 9998',
      `backend b\n    option tcp-check\n    tcp-check connect addr 127.0.0.1 port 9998`,
      [/^3: port 9998: a health check or agent would connect to HAProxy's master CLI/],
    ],
    [
      'agent-port 9999',
      `backend b\n    server a1 app:8000 agent-check agent-addr 127.0.0.1 agent-port 9999`,
      [/^2: agent-port 9999/],
    ],
    ['127.1', `backend b\n    server a1 127.1:9999`, [/^2: connects to port 9999 on the container's loopback/]],
    [
      'a single number',
      `backend b\n    server a1 2130706433:9999`,
      [/^2: connects to port 9999 on the container's loopback/],
    ],
    [
      'an octal part',
      `backend b\n    server a1 0177.0.0.1:9998`,
      [/^2: connects to port 9998 on the container's loopback/],
    ],
    [
      'IPv4-mapped',
      `backend b\n    server a1 [::ffff:7f00:1]:9999`,
      [/^2: connects to port 9999 on the container's loopback/],
    ],
    ["another host on 9999 is the student's", `backend b\n    server a1 10.1.2.3:9999\n    server a2 app:9999`, []],
    ['check port of the app', `backend b\n    server a1 app:8000 check port 8001`, []],
    ['bind *:1936', `${F}    bind *:1936`, [/^3: binds port 1936/]],
    ['bind 127.0.0.1:9999', `${F}    bind 127.0.0.1:9999`, [/^3: binds port 9999, which is HAProxy's runtime API/]],
    ['bind ipv4@:9998', `${F}    bind ipv4@:9998`, [/^3: binds port 9998, which is HAProxy's master CLI/]],
    ['a range', `${F}    bind [::]:1930-1940`, [/^3: binds port 1936/]],
    ['a range over two', `${F}    bind :9990-9999`, [/binds port 9999/, /binds port 9998/]],
    ['a list', `${F}    bind :8080,:1936`, [/binds port 1936/]],
    ['a leading zero', `${F}    bind :01936`, [/binds port 1936/]],
    // Indirections HAProxy resolves.
    [
      'setenv',
      `${G}    setenv P 1936\n${F}    bind "*:\${P}"`,
      [/^5: binds port 1936 \(HAProxy reads it as "\*:1936"\)/],
    ],
    [
      'presetenv',
      `${G}    presetenv P 9998\n${F}    bind ":$P"`,
      [
        /^5: takes the address it binds from a variable lab cannot resolve \(P: an earlier file, presetenv or an \.if may have set it\)/,
      ],
    ],
    [
      'presetenv after unsetenv',
      `${G}    unsetenv P\n    presetenv P 9998\n${F}    bind ":$P"`,
      [/^6: binds port 9998 \(HAProxy reads it as ":9998"\)/],
    ],
    ['presetenv after setenv keeps the first', `${G}    setenv P 8081\n    presetenv P 1936\n${F}    bind ":$P"`, []],
    [
      'a variable built of variables',
      `${G}    setenv A 19\n    setenv B "\${A}36"\n${F}    bind ":\${B}"`,
      [/^6: binds port 1936/],
    ],
    [
      "HAProxy's own HAPROXY_CLI",
      `${F}    bind "\${HAPROXY_CLI}"`,
      [/binds port 9999 \(HAProxy reads it as "ipv4@127.0.0.1:9999"\)/],
    ],
    ["HAProxy's own HAPROXY_MASTER_CLI", `${F}    bind "\${HAPROXY_MASTER_CLI}"`, [/binds port 9998/]],
    [
      '.LINE',
      `${'\n'.repeat(33)}${F}    bind ":19\${.LINE}"`,
      [/^36: binds port 1936 \(HAProxy reads it as ":1936"\)/],
    ],
    ['a default', `${F}    bind ":\${NOPE-1936}"`, [/the address it binds from a variable lab cannot resolve/]],
    ['a default after unsetenv', `${G}    unsetenv NOPE\n${F}    bind ":\${NOPE-1936}"`, [/^5: binds port 1936/]],
    ['an escape', `${F}    bind :\\x31936`, [/binds port 1936 \(HAProxy reads it as ":1936"\)/]],
    ['a variable lab cannot know', `${F}    bind ":\${PORT}"`, [/variable lab cannot resolve/]],
    [
      'setenv inside .if',
      `${G}.if 1\n    setenv P 1936\n.else\n    setenv P 8081\n.endif\n${F}    bind ":$P"`,
      [/^9: takes the address it binds from a variable lab cannot resolve/],
    ],
    ['a keyword from a variable', `${G}    setenv K lua-load\n    "\${K}" /x.lua`, [/^3: lua-load:/]],
    [
      'a keyword lab cannot know',
      `${G}    "\${K}" /x.lua`,
      [/^2: its keyword comes from a variable lab cannot resolve/],
    ],
    ['[*] lists', `${G}    setenv L ":8080 :1936"\n${F}    bind "\${L[*]}"`, [/^5: binds port 1936/]],
    // Connecting to lab's ports on the container's loopback.
    [
      'server to the runtime API',
      `backend b\n    server s 127.0.0.1:9999`,
      [/^2: connects to port 9999 on the container's loopback/],
    ],
    [
      'server-template to the master CLI',
      `backend b\n    server-template s 2 localhost:9998`,
      [/connects to port 9998/],
    ],
    ['log to the runtime API', `${G}    log tcp@127.0.0.1:9999 local0`, [/connects to port 9999/]],
    ['server with a port offset', `backend b\n    server s 127.0.0.1:+1918`, [/a port relative to the client's/]],
    ['set-dst-port', `${F}    http-request set-dst-port int(9999)`, [/changes the address HAProxy connects to/]],
    ['server from a variable', `backend b\n    server s "\${ADDR}"`, [/an address from a variable lab cannot resolve/]],
    // Globals that change what lab owns.
    [
      "setenv of lab's variable",
      `${G}    setenv LAB_STATS_AUTH x:y`,
      [/^2: setenv LAB_STATS_AUTH: lab's 00-lab.cfg and HAProxy's master read this variable/],
    ],
    ["presetenv of HAProxy's", `${G}    presetenv HAPROXY_MWORKER 0`, [/presetenv HAPROXY_MWORKER/]],
    ["unsetenv of lab's", `${G}    unsetenv PATH LAB_STATS_AUTH`, [/unsetenv LAB_STATS_AUTH/]],
    ['resetenv', `${G}    resetenv PATH`, [/^2: resetenv: empties HAProxy's environment/]],
    [
      'server-state-file',
      `${G}    server-state-file /etc/shadow`,
      [/^2: server-state-file: changes where HAProxy reads the servers' state at a reload/],
    ],
    [
      'server-state-base',
      `${G}    server-state-base /etc`,
      [/^2: server-state-base: changes where HAProxy reads the servers' state/],
    ],
    [
      "reading lab's password",
      `${F}    http-request return string "\${LAB_STATS_AUTH}"`,
      [/reads LAB_STATS_AUTH, lab's own variable/],
    ],
    ['reading it with env()', `${F}    http-request return string "%[env(LAB_STATS_AUTH)]"`, [/with env\(\)/]],
    [
      'stats socket',
      `${G}    stats socket /var/run/haproxy.sock level admin`,
      [/^2: global stats settings change HAProxy's runtime API/],
    ],
    ['stats timeout', `${G}    stats timeout 1h`, [/global stats settings/]],
    [
      'master-worker',
      `${G}    master-worker no-exit-on-failure`,
      [/^2: master-worker: changes HAProxy's master process/],
    ],
    ['mworker-max-reloads', `${G}    mworker-max-reloads 1`, [/mworker-max-reloads/]],
    ['insecure-fork-wanted', `${G}    insecure-fork-wanted`, [/insecure-fork-wanted: lets HAProxy start programs/]],
    [
      'external-check',
      `${G}    external-check\nbackend b\n    option external-check\n    external-check command /bin/sh\n    external-check path "/bin"`,
      [/^2: external-check:/, /^4: option external-check:/, /^5: external-check:/, /^6: external-check:/],
    ],
    ['lua-load', `${G}    lua-load /etc/haproxy/x.lua`, [/^2: lua-load: loads Lua code/]],
    ['lua-load-per-thread', `${G}    lua-load-per-thread x.lua`, [/lua-load-per-thread/]],
    ['lua-prepend-path', `${G}    lua-prepend-path /tmp/?.lua`, [/lua-prepend-path/]],
    ['an escaped keyword', `${G}    lua\\x2dload x.lua`, [/lua-load:/]],
    ['a quoted keyword', `${G}    "lua-load" x.lua`, [/lua-load:/]],
    ['a program section', 'program evil\n    command /bin/sh -c id', [/^1: starts a program section/]],
    // What stays allowed.
    ['server app:1936', 'backend b\n    server s1 app:1936 check', []],
    ['bind :8080 and :19360', `${F}    bind :8080\n    bind :19360\n    bind :1937`, []],
    ['comments', `${F}    # bind :1936\n    bind :8080 # not :1936`, []],
    [
      "a stats page of the student's own",
      'listen mystats\n    bind :8404\n    stats enable\n    stats uri /\n    stats auth me:pw',
      [],
    ],
    [
      'harmless globals',
      `${G}    maxconn 2000\n    nbthread 2\n    user haproxy\n    group haproxy\n    chroot /var/empty\n    log stdout format raw local0\n    setenv GREETING hello\n    no option external-check`,
      [],
    ],
    [
      "a variable of the student's own in a header",
      `${G}    setenv GREETING hello\n${F}    http-response set-header X-Hi "\${GREETING} \${HOSTNAME}"`,
      [],
    ],
    [
      'server from a variable with its host written',
      `${G}    setenv PORT 8000\nbackend b\n    server s "app:\${PORT}"\n    server t "app:\${UNSET}"`,
      [],
    ],
    ['"constructor" is not refused', `${F}    constructor`, []],
  ])('%s', (_name, text, expected) => {
    const got = refusals(text);
    expect(got, got.join('\n')).toHaveLength(expected.length);
    for (const [k, re] of expected.entries()) expect(got[k]).toMatch(re);
  });

  it('names the line, the line as written, why and what to do', () => {
    expect(studentRefusals('frontend web\n    bind :8080\n\nlisten mine\n    bind :1936\n', FILE)).toEqual([
      {
        line: 5,
        text: 'bind :1936',
        why: "binds port 1936, which is lab's stats page: lab owns it, your file may not bind it",
        fix: "Use another port (the app's frontend is :8080)",
      },
    ]);
  });

  it('passes every starter and solution of the catalog', () => {
    const labs = join(import.meta.dirname, '..', '..', 'labs');
    const files = readdirSync(labs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.cfg'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(studentRefusals(readFileSync(join(labs, f), 'utf8'), FILE), f).toEqual([]);
  });
});
