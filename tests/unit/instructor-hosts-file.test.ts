import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.ts';
import { hostSlug, parseHostsFile } from '../../src/core/instructor/hosts-file.ts';

const problemsOf = (text: string): string[] => {
  try {
    parseHostsFile(text, 'room.txt');
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).exitCode).toBe(2);
    return (e as UsageError).details;
  }
  throw new Error('expected the hosts file to be refused');
};

describe('hosts file', () => {
  it('reads names, addresses and line numbers; skips comments and blank lines', () => {
    const text = [
      '# room 101',
      '',
      'pc01 ssh://student@pc01',
      '  ssh://student@pc02   # no name',
      'local unix:///var/run/docker.sock',
      'lab3 tcp://10.0.0.3:2375',
      '',
    ].join('\n');
    expect(parseHostsFile(text, 'room.txt')).toEqual([
      { name: 'pc01', host: 'ssh://student@pc01', line: 3 },
      { name: 'ssh://student@pc02', host: 'ssh://student@pc02', line: 4 },
      { name: 'local', host: 'unix:///var/run/docker.sock', line: 5 },
      { name: 'lab3', host: 'tcp://10.0.0.3:2375', line: 6 },
    ]);
  });

  it('accepts CRLF line endings', () => {
    expect(parseHostsFile('pc01 ssh://a@pc01\r\npc02 ssh://a@pc02\r\n', 'f').map((h) => h.line)).toEqual([1, 2]);
  });

  it('reports every bad line at once, as file:line', () => {
    const text = [
      'pc01 ssh://a@pc01',
      'pc02 http://pc02',
      'pc03 ssh://a@pc03 extra',
      'just-a-name',
      'pc01 ssh://a@other',
      'bad/name ssh://a@pc09',
    ].join('\n');
    expect(problemsOf(text)).toEqual([
      'room.txt:2: "http://pc02" is not a unix://, tcp:// or ssh:// address',
      'room.txt:3: expected "[name] address", got 3 words: pc03 ssh://a@pc03 extra',
      'room.txt:4: "just-a-name" is not a unix://, tcp:// or ssh:// address',
      'room.txt:5: "pc01" is already on line 1',
      'room.txt:6: "bad/name" is not a host name (letters, digits, . _ -)',
    ]);
  });

  it('refuses a file with no hosts', () => {
    expect(() => parseHostsFile('# nothing yet\n\n', 'room.txt')).toThrow(/lists no hosts/);
  });
});

describe('per-host state directory', () => {
  const _ = (host: string, want: string) => () => expect(hostSlug(host)).toBe(want);
  it('ssh', _('ssh://student@pc01', 'student_pc01'));
  it('ssh with a port', _('ssh://root@127.0.0.1:2222', 'root_127.0.0.1_2222'));
  it('unix socket', _('unix:///var/run/docker.sock', 'var_run_docker.sock'));
  it('tcp', _('tcp://10.0.0.3:2375', '10.0.0.3_2375'));
  it('never empty, never ..', () => {
    expect(hostSlug('unix:///')).toBe('host');
    expect(hostSlug('ssh://../..')).not.toMatch(/^\.|\//);
  });
});
