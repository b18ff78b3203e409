import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.ts';
import { readStudentFile } from '../../src/engine/student-check.ts';
import { tmpDir } from '../helpers/tmp.ts';

/** What lab apply and lab up refuse in a student's haproxy.cfg before HAProxy sees it: exit 2, at the file (and line). */
describe('readStudentFile', () => {
  const NEXT = 'Fix it, then run lab apply 02 again';
  it.each([
    [
      'empty',
      Buffer.from(''),
      /haproxy\.cfg holds no HAProxy configuration, only nothing: HAProxy would accept it and serve nothing on :8080$/,
    ],
    [
      'comments only',
      Buffer.from('# my notes\n\n   # more\n'),
      /haproxy\.cfg holds no HAProxy configuration, only comments and blank lines/,
    ],
    [
      'not UTF-8',
      Buffer.concat([Buffer.from('frontend web\n    bind :8080 # caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
      /haproxy\.cfg:2:21: not valid UTF-8 here: save the file as UTF-8$/,
    ],
    [
      "binding lab's stats port",
      Buffer.from('frontend web\n    bind :8080\nlisten mine\n    bind :1936\n'),
      /haproxy\.cfg:4: binds port 1936, which is lab's stats page/,
    ],
    ['missing', undefined, /Cannot read your HAProxy configuration .*haproxy\.cfg: no such file/],
  ])('%s: a UsageError naming the file', async (_what, bytes, message) => {
    const file = join(await tmpDir('lab-student-'), 'haproxy.cfg');
    if (bytes) await writeFile(file, bytes);
    const e = await readStudentFile(file, NEXT, '02').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).message).toMatch(message);
    expect((e as UsageError).message.startsWith(file)).toBe(bytes !== undefined);
  });

  it('a file with configuration is returned as text', async () => {
    const file = join(await tmpDir('lab-student-'), 'haproxy.cfg');
    await writeFile(file, '# mine\nfrontend web\n    bind :8080\n');
    expect(await readStudentFile(file, NEXT, '02')).toBe('# mine\nfrontend web\n    bind :8080\n');
  });

  it.each([
    [
      'a symbolic link',
      async (file: string) => symlink('/etc/hostname', file),
      /is a symbolic link, not a regular file/,
    ],
    [
      'a link to a good file',
      async (file: string) => {
        await writeFile(`${file}.real`, 'frontend web\n    bind :8080\n');
        await symlink(`${file}.real`, file);
      },
      /is a symbolic link, not a regular file/,
    ],
    ['a directory', async (file: string) => mkdir(file), /is a directory, not a regular file/],
    ['a FIFO', async (file: string) => void execFileSync('mkfifo', [file]), /is a FIFO, not a regular file/],
  ])(
    '%s is refused before it is read (lstat)',
    async (_what, make, message) => {
      const file = join(await tmpDir('lab-student-'), 'haproxy.cfg');
      await make(file);
      const e = await readStudentFile(file, NEXT, '02').catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UsageError);
      expect((e as UsageError).message).toMatch(message);
      expect((e as UsageError).message.startsWith(file)).toBe(true);
    },
    5000,
  );
});
