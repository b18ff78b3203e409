import { describe, expect, it } from 'vitest';
import { hasConfiguration, labOwnedBinds, mapCheckOutput } from '../../src/core/student-cfg.ts';
import { parseReloadAnswer } from '../../src/haproxy/master-cli.ts';

describe("an empty student file is refused: hasConfiguration", () => {
  it.each([
    ['', false],
    ['\n\n   \n', false],
    ['# only a comment\n  # another\n\t\n', false],
    ['# comment\nfrontend web\n', true],
    ['    bind :8080 # trailing comment\n', true],
    ['global', true],
  ])('%j has configuration: %j', (text, expected) => {
    expect(hasConfiguration(text)).toBe(expected);
  });
});

describe("a student's file may not bind lab's ports: labOwnedBinds", () => {
  it.each([
    ['    bind :1936', [1936]],
    ['    bind *:1936', [1936]],
    ['bind 127.0.0.1:9999', [9999]],
    ['    bind ipv4@:9998', [9998]],
    ['    bind [::]:1930-1940', [1936]],
    ['    bind :9990-9999', [9999, 9998]],
    ['    bind :8080,:1936', [1936]],
    ['    stats socket ipv4@127.0.0.1:9999 level admin', [9999]],
    ['    bind :8080', []],
    ['    bind :19360', []],
    ['    bind :1937', []],
    ['    # bind :1936', []],
    ['    bind :8080 # not :1936', []],
    ['    server s1 app:1936 check', []],
    ['    stats socket /var/run/haproxy.sock', []],
  ])('%j binds %j', (line, ports) => {
    expect(labOwnedBinds(`frontend x\n${line}\n`).map((b) => b.port)).toEqual(ports);
  });

  it('names the line and what the port is', () => {
    expect(labOwnedBinds('frontend web\n    bind :8080\n\nlisten mine\n    bind :1936\n')).toEqual([{ line: 5, port: 1936, what: "lab's stats page", text: 'bind :1936' }]);
  });
});

describe("HAProxy's check messages mapped to the student's file: mapCheckOutput", () => {
  const paths = { '/usr/local/etc/haproxy/haproxy.cfg': '/home/s/ws/haproxy/haproxy.cfg', '/usr/local/etc/haproxy/00-lab.cfg': '/home/s/ws/haproxy/00-lab.cfg' };
  it.each([
    [
      '[NOTICE]   (1) : haproxy version is 3.0.11\n[ALERT]    (1) : config : parsing [/usr/local/etc/haproxy/haproxy.cfg:7] : unknown keyword \'foo\' in \'backend\' section\n[ALERT]    (1) : config : Error(s) found in configuration file : /usr/local/etc/haproxy/haproxy.cfg\n',
      ["[ALERT] config : parsing [/home/s/ws/haproxy/haproxy.cfg:7] : unknown keyword 'foo' in 'backend' section", '[ALERT] config : Error(s) found in configuration file : /home/s/ws/haproxy/haproxy.cfg'],
      [{ file: '/home/s/ws/haproxy/haproxy.cfg', line: 7 }],
    ],
    [
      "[ALERT]    (1) : config : Proxy 'web': unable to find required default_backend: 'nope'.\n",
      ["[ALERT] config : Proxy 'web': unable to find required default_backend: 'nope'."],
      [],
    ],
    [
      '[WARNING]  (1) : config : parsing [/usr/local/etc/haproxy/00-lab.cfg:40] : something\n',
      ['[WARNING] config : parsing [/home/s/ws/haproxy/00-lab.cfg:40] : something'],
      [{ file: '/home/s/ws/haproxy/00-lab.cfg', line: 40 }],
    ],
    ['Configuration file is valid\n', [], []],
  ])('%#', (output, messages, places) => {
    expect(mapCheckOutput(output, paths)).toEqual({ messages, places });
  });
});

describe("the master CLI's answer to reload: parseReloadAnswer", () => {
  it.each([
    ['Success=1\n--\n[NOTICE]   (1) : New worker (28) forked\n[NOTICE]   (1) : Loading success.\n\n', true, ['[NOTICE]   (1) : New worker (28) forked', '[NOTICE]   (1) : Loading success.']],
    ["Success=0\n--\n[ALERT]    (1) : config : parsing [/x/haproxy.cfg:3] : unknown keyword 'foo'\n", false, ["[ALERT]    (1) : config : parsing [/x/haproxy.cfg:3] : unknown keyword 'foo'"]],
    ['Unknown command: reload\n', false, ['Unknown command: reload']],
    ['', false, []],
  ])('%#', (text, success, log) => {
    expect(parseReloadAnswer(text)).toEqual({ success, log });
  });
});
