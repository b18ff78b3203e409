import { describe, expect, it } from 'vitest';
import { ALGORITHMS, type Lab } from '../../src/core/lab-schema.ts';
import { defaultProject, resolveOptions, type RenderFlags } from '../../src/core/options.ts';
import { EXIT, UsageError } from '../../src/core/errors.ts';
import { lab03 } from '../helpers/lab03.ts';

const lab = lab03();

/** The UsageError resolveOptions throws for these flags (fails the test if it does not throw). */
function usageError(flags: RenderFlags, forLab: Lab = lab): UsageError {
  try {
    resolveOptions(forLab, flags);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).exitCode).toBe(EXIT.usage);
    return e as UsageError;
  }
  throw new Error(`resolveOptions accepted ${JSON.stringify(flags)}`);
}

/** [flags, pattern the message must match] */
const _ = (flags: RenderFlags, message: RegExp): [RenderFlags, RegExp] => [flags, message];

describe('resolveOptions', () => {
  it('takes every default from the lab when no flag is given', () => {
    const { options, warnings } = resolveOptions(lab);
    expect(options).toEqual({
      project: 'lab-03-load-balancing',
      replicas: 3,
      algorithm: 'roundrobin',
      mode: 'http',
      sticky: false,
      appPort: 8080,
      statsPort: 1936,
      statsUser: 'admin',
      statsPassword: 'admin',
      expose: false,
      statsAdmin: true,
      images: {},
    });
    expect(warnings).toEqual([]);
    expect(defaultProject(lab.id)).toBe(options.project);
  });

  it('takes defaults from a lab that changes them', () => {
    const custom: Lab = {
      ...lab,
      loadBalancer: { ...lab.loadBalancer, algorithm: 'source', mode: 'tcp' },
      defaults: {
        ...lab.defaults,
        replicas: 5,
        appPort: 9000,
        statsPort: 9001,
        statsUser: 'teacher',
        statsPassword: 's3cret',
      },
    };
    expect(resolveOptions(custom).options).toMatchObject({
      replicas: 5,
      algorithm: 'source',
      mode: 'tcp',
      appPort: 9000,
      statsPort: 9001,
      statsUser: 'teacher',
      statsPassword: 's3cret',
    });
  });

  it('flags override the lab', () => {
    const { options } = resolveOptions(lab, {
      replicas: '7',
      algorithm: 'LeastConn',
      mode: 'L4',
      appPort: '18080',
      statsPort: '11936',
      statsUser: 'me',
      statsPassword: 'p.w-1_x',
      project: 'my-lab_2',
    });
    expect(options).toMatchObject({
      replicas: 7,
      algorithm: 'leastconn',
      mode: 'tcp',
      appPort: 18080,
      statsPort: 11936,
      statsUser: 'me',
      statsPassword: 'p.w-1_x',
      project: 'my-lab_2',
    });
  });

  describe('--replicas', () => {
    it.each(['0', '-1', '1.5', 'abc', '101', '', ' ', '1e2', '0x10', '3 4'])(
      'rejects %j, naming the option and 1 to 100',
      (replicas) => {
        const e = usageError({ replicas });
        expect(e.message).toContain('--replicas');
        expect(e.message).toContain('from 1 to 100');
        expect(e.message).toContain(`"${replicas.trim()}"`);
        expect(e.hint).toMatch(/--replicas 3/);
      },
    );

    it.each([
      ['1', 1],
      ['100', 100],
      [' 42 ', 42],
      [7, 7],
    ] as const)('accepts %j', (replicas, expected) => {
      expect(resolveOptions(lab, { replicas }).options.replicas).toBe(expected);
    });
  });

  describe('--algorithm', () => {
    it.each(ALGORITHMS)('accepts %s', (algorithm) => {
      expect(resolveOptions(lab, { algorithm }).options.algorithm).toBe(algorithm);
    });

    it.each(['fastest', 'round-robin', 'uri', ''])(
      'rejects %j and lists the allowed values in the hint',
      (algorithm) => {
        const e = usageError({ algorithm });
        expect(e.message).toBe(`--algorithm "${algorithm}" is not supported`);
        for (const a of ALGORITHMS) expect(e.hint).toContain(a);
        expect(e.hint).toContain('least-response-time');
      },
    );

    it.each(['least-response-time', 'leastresponsetime', 'least-time', 'leasttime', 'Least-Response-Time'])(
      '%s maps to leastconn with a warning that HAProxy has no such algorithm',
      (algorithm) => {
        const { options, warnings } = resolveOptions(lab, { algorithm });
        expect(options.algorithm).toBe('leastconn');
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/HAProxy has no "least response time" algorithm/);
        expect(warnings[0]).toContain('leastconn');
      },
    );
  });

  describe('--mode', () => {
    it.each([
      ['http', 'http'],
      ['tcp', 'tcp'],
      ['L7', 'http'],
      ['l4', 'tcp'],
    ] as const)('accepts %s', (mode, expected) => {
      expect(resolveOptions(lab, { mode }).options.mode).toBe(expected);
    });

    it('rejects an unknown mode, listing http and tcp', () => {
      const e = usageError({ mode: 'udp' });
      expect(e.message).toContain('--mode "udp"');
      expect(e.hint).toMatch(/http.*tcp/);
    });
  });

  describe('ports', () => {
    it.each([
      ['appPort', '--app-port'],
      ['statsPort', '--stats-port'],
    ] as const)('%s', (flag, option) => {
      for (const bad of ['0', '65536', 'abc', '-5', '', '80.5']) {
        const e = usageError({ [flag]: bad });
        expect(e.message).toContain(option);
        expect(e.message).toContain('1 to 65535');
        expect(e.message).toContain(`"${bad}"`);
      }
      expect(resolveOptions(lab, { [flag]: '1' }).options[flag]).toBe(1);
      expect(resolveOptions(lab, { [flag]: '65535' }).options[flag]).toBe(65535);
      expect(resolveOptions(lab, { [flag]: 'auto' }).options[flag]).toBeNull();
    });

    it('both ports may be auto', () => {
      expect(resolveOptions(lab, { appPort: 'auto', statsPort: 'auto' }).options).toMatchObject({
        appPort: null,
        statsPort: null,
      });
    });

    it.each([
      _({ appPort: '9000', statsPort: '9000' }, /--app-port and --stats-port are both 9000/),
      _({ appPort: '1936' }, /both 1936/),
      _({ statsPort: '8080' }, /both 8080/),
    ])('rejects the app and stats on the same port: %j', (flags, message) => {
      expect(usageError(flags).message).toMatch(message);
    });
  });

  describe('--sticky', () => {
    it('works in http mode', () => {
      expect(resolveOptions(lab, { sticky: true }).options).toMatchObject({ sticky: true, mode: 'http' });
    });

    it.each([
      ['--mode tcp', { sticky: true, mode: 'tcp' }, lab],
      [
        'a lab that is tcp by default',
        { sticky: true },
        { ...lab, loadBalancer: { ...lab.loadBalancer, mode: 'tcp' as const } },
      ],
      ['a lab that is sticky by default', { mode: 'tcp' }, { ...lab, defaults: { ...lab.defaults, sticky: true } }],
    ] as const)('is rejected with %s', (_name, flags, forLab) => {
      const e = usageError(flags, forLab);
      expect(e.message).toMatch(/--sticky .*--mode http/);
      expect(e.hint).toContain('--algorithm source');
    });

    it('--no-sticky (false) overrides a sticky lab, so tcp works', () => {
      const sticky = { ...lab, defaults: { ...lab.defaults, sticky: true } };
      expect(resolveOptions(sticky, { sticky: false, mode: 'tcp' }).options).toMatchObject({
        sticky: false,
        mode: 'tcp',
      });
    });
  });

  describe('--project', () => {
    it.each(['a/b', '../x', '..', 'My-Lab', 'my lab', '', '-lab', '_lab', 'lab$x', 'lab\nx', 'a'.repeat(64)])(
      'rejects %j',
      (project) => {
        const e = usageError({ project });
        expect(e.message).toContain('--project');
        expect(e.message).toMatch(/lowercase letters, digits, - and _/);
      },
    );

    it.each(['lab', 'lab-03', 'a_b-c', '0', 'a'.repeat(63)])('accepts %j', (project) => {
      expect(resolveOptions(lab, { project }).options.project).toBe(project);
    });
  });

  describe('--image', () => {
    it('maps FROM to TO, for several pairs', () => {
      const { options } = resolveOptions(lab, {
        image: ['haproxy:3.0=lab-local/haproxy:3.0', 'node:20-alpine=registry.local:5000/library/node@sha256:abc'],
      });
      expect(options.images).toEqual({
        'haproxy:3.0': 'lab-local/haproxy:3.0',
        'node:20-alpine': 'registry.local:5000/library/node@sha256:abc',
      });
    });

    it.each([
      'haproxy:3.0',
      '=haproxy:3.0',
      'haproxy:3.0=',
      'a=b=c',
      'haproxy:3.0=evil\nimage',
      'haproxy:3.0\n=x',
      'haproxy:3.0=x y',
      'haproxy:3.0=${EVIL}',
      'haproxy:3.0=x#y',
      'haproxy:3.0="x"',
    ])('rejects %j', (pair) => {
      const e = usageError({ image: [pair] });
      expect(e.message).toContain('--image');
      expect(e.message).toContain('FROM=TO');
    });
  });

  describe('--expose', () => {
    it('warns that the stats page, with its credentials, is reachable from everywhere', () => {
      const { options, warnings } = resolveOptions(lab, { expose: true });
      expect(options.expose).toBe(true);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/every network interface/);
      expect(warnings[0]).toContain('admin:admin');
      expect(warnings[0]).toContain('--stats-password');
    });

    it('names the credentials given, without the default-password nag', () => {
      const { warnings } = resolveOptions(lab, { expose: true, statsUser: 'teacher', statsPassword: 'Xk3-pw' });
      expect(warnings[0]).toContain('teacher:Xk3-pw');
      expect(warnings[0]).not.toContain('default password');
    });

    it('is off by default, without a warning', () => {
      expect(resolveOptions(lab).warnings).toEqual([]);
    });
  });

  describe('--stats-admin: the stats page may drain and stop servers', () => {
    it.each<[RenderFlags, boolean, string]>([
      [{}, true, 'on loopback, on'],
      [{ expose: true }, false, 'exposed, off'],
      [{ expose: true, statsAdmin: true }, true, 'exposed and asked for, on'],
      [{ statsAdmin: true }, true, 'asked for on loopback, on'],
    ])('%j → %s (%s)', (flags, admin) => {
      expect(resolveOptions(lab, flags).options.statsAdmin).toBe(admin);
    });

    it('--expose says whether the admin actions are on', () => {
      expect(resolveOptions(lab, { expose: true }).warnings[0]).toMatch(
        /admin actions are off \(--stats-admin turns them on\)/,
      );
      expect(resolveOptions(lab, { expose: true, statsAdmin: true }).warnings[0]).toMatch(
        /--stats-admin drain or stop the replicas/,
      );
    });
  });

  describe('--stats-user / --stats-password', () => {
    const BAD = ['a:b', 'a\nb', 'a#b', 'a$b', 'a"b', "a'b", 'a b', '', 'x'.repeat(65)];
    it.each([
      ...BAD.map((v) => ['statsUser', '--stats-user', v] as const),
      ...BAD.map((v) => ['statsPassword', '--stats-password', v] as const),
    ])('%s rejects %j', (flag, option, value) => {
      const e = usageError({ [flag]: value });
      expect(e.message).toBe(`${option} may only contain letters, digits and . _ - (1 to 64 characters)`);
    });

    it('never echoes a rejected password', () => {
      expect(usageError({ statsPassword: 'hunter 2' }).message).not.toContain('hunter');
    });
  });
});
