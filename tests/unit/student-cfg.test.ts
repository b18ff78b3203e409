import { describe, expect, it } from 'vitest';
import { hasConfiguration, mapCheckOutput } from '../../src/core/student-cfg.ts';
import { parseReloadAnswer } from '../../src/haproxy/master-cli.ts';

describe('an empty student file is refused: hasConfiguration', () => {
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

describe("HAProxy's check messages mapped to the student's file: mapCheckOutput", () => {
  const paths = {
    '/usr/local/etc/haproxy/haproxy.cfg': '/home/s/ws/haproxy/haproxy.cfg',
    '/usr/local/etc/haproxy/00-lab.cfg': '/home/s/ws/haproxy/00-lab.cfg',
  };
  it.each([
    [
      "[NOTICE]   (1) : haproxy version is 3.0.11\n[ALERT]    (1) : config : parsing [/usr/local/etc/haproxy/haproxy.cfg:7] : unknown keyword 'foo' in 'backend' section\n[ALERT]    (1) : config : Error(s) found in configuration file : /usr/local/etc/haproxy/haproxy.cfg\n",
      [
        "[ALERT] config : parsing [/home/s/ws/haproxy/haproxy.cfg:7] : unknown keyword 'foo' in 'backend' section",
        '[ALERT] config : Error(s) found in configuration file : /home/s/ws/haproxy/haproxy.cfg',
      ],
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
    [
      'Success=1\n--\n[NOTICE]   (1) : New worker (28) forked\n[NOTICE]   (1) : Loading success.\n\n',
      true,
      ['[NOTICE]   (1) : New worker (28) forked', '[NOTICE]   (1) : Loading success.'],
    ],
    [
      "Success=0\n--\n[ALERT]    (1) : config : parsing [/x/haproxy.cfg:3] : unknown keyword 'foo'\n",
      false,
      ["[ALERT]    (1) : config : parsing [/x/haproxy.cfg:3] : unknown keyword 'foo'"],
    ],
    ['Unknown command: reload\n', false, ['Unknown command: reload']],
    ['', false, []],
  ])('%#', (text, success, log) => {
    expect(parseReloadAnswer(text)).toEqual({ success, log });
  });
});
