import { describe, expect, it } from 'vitest';
import {
  doctorChecks,
  doctorExitCode,
  doctorSummary,
  renderDoctor,
  type DoctorFacts,
} from '../../src/core/instructor/doctor-checks.ts';
import { languageChoice } from '../../src/core/localized.ts';

const healthy = (): DoctorFacts => ({
  lab: 'lab',
  endpoint: { host: 'unix:///var/run/docker.sock', source: 'default', local: true },
  engine: { ok: true, version: '20.10.24', api: '1.41', rootDir: '/var/lib/docker' },
  compose: { ok: true, version: '2.26.1' },
  images: [
    { ref: 'haproxy:3.0', role: 'load balancer', kind: 'pull', labs: ['03-load-balancing'], present: true },
    { ref: 'lab/whoami:1', role: 'app', kind: 'build', labs: ['03-load-balancing'], present: true },
  ],
  ports: [
    { port: 8080, option: '--app-port', labs: ['03-load-balancing'], holder: { kind: 'free' } },
    {
      port: 1936,
      option: '--stats-port',
      labs: ['03-load-balancing'],
      holder: {
        kind: 'lab',
        lab: '03-load-balancing',
        project: 'lab-03-load-balancing',
        container: 'lab-03-load-balancing-haproxy-1',
      },
    },
  ],
  disk: { path: '/var/lib/docker', freeBytes: 80e9 },
  leftovers: { stopped: [], idleNetworks: [] },
  locks: [],
  language: { ok: true, lang: 'ja', from: 'LANG=ja_JP.UTF-8' },
});

const row = (f: DoctorFacts, name: string) => doctorChecks(f).filter((c) => c.name === name);

describe('doctor verdicts', () => {
  it.each([
    { env: { LANG: 'ja_JP.UTF-8' }, row: { name: 'language', status: 'ok', detail: 'ja (from LANG=ja_JP.UTF-8)' } },
    {
      env: { LAB_LANG: 'en', LANG: 'ja_JP.UTF-8' },
      row: { name: 'language', status: 'ok', detail: 'en (from LAB_LANG=en)' },
    },
    {
      env: {},
      row: {
        name: 'language',
        status: 'ok',
        detail: 'en (from default: no --lang, LAB_LANG, LC_ALL, LC_MESSAGES or LANG)',
      },
    },
    {
      env: { LAB_LANG: 'jp' },
      row: {
        name: 'language',
        status: 'fail',
        detail: 'LAB_LANG=jp is not a language lab speaks; it speaks en, ja',
        fix: 'export LAB_LANG=ja (or en), or unset LAB_LANG to follow the locale',
      },
    },
  ])('language with $env: which one is in effect and why', ({ env, row: want }) => {
    expect(row({ ...healthy(), language: languageChoice(undefined, env) }, 'language')).toEqual([want]);
  });

  it('a healthy machine: every check ok, exit 0; a lab holding its own port is fine', () => {
    const checks = doctorChecks(healthy());
    expect(checks.map((c) => `${c.name}:${c.status}`)).toEqual([
      'engine:ok',
      'compose:ok',
      'image:ok',
      'image:ok',
      'port 8080:ok',
      'port 1936:ok',
      'disk:ok',
      'leftovers:ok',
      'leftovers:ok',
      'locks:ok',
      'language:ok',
    ]);
    expect(checks.find((c) => c.name === 'port 1936')?.detail).toBe(
      'used by running lab 03-load-balancing (project lab-03-load-balancing)',
    );
    expect(doctorExitCode(checks)).toBe(0);
    expect(doctorSummary(checks, 'unix:///var/run/docker.sock')).toBe(
      'ready on unix:///var/run/docker.sock: 11 ok, 0 warning(s), 0 failed',
    );
  });

  it('engine down: fail with the fix, exit 3', () => {
    const f: DoctorFacts = {
      ...healthy(),
      engine: { ok: false, error: 'Cannot reach the Docker engine at unix:///x', hint: 'sudo systemctl start docker' },
      images: undefined,
      ports: undefined,
      disk: undefined,
      leftovers: undefined,
    };
    const checks = doctorChecks(f);
    expect(checks.map((c) => `${c.name}:${c.status}`)).toEqual([
      'engine:fail',
      'compose:ok',
      'locks:ok',
      'language:ok',
    ]);
    expect(checks[0]?.fix).toBe('sudo systemctl start docker');
    expect(doctorExitCode(checks)).toBe(3);
  });

  it('Compose v1 only: fail, and explain', () => {
    const f = {
      ...healthy(),
      compose: {
        ok: false as const,
        error: 'Only Compose v1 (docker-compose 1.29.2) is installed; lab needs Compose v2',
        hint: 'Install the Compose v2 plugin',
      },
    };
    expect(row(f, 'compose')).toEqual([
      { name: 'compose', status: 'fail', detail: f.compose.error, fix: 'Install the Compose v2 plugin' },
    ]);
  });

  it('a remote engine needs Compose 2.23.1 for inline configs', () => {
    const remote = { ...healthy(), endpoint: { host: 'ssh://u@pc01', source: 'DOCKER_HOST', local: false } };
    expect(row({ ...remote, compose: { ok: true, version: '2.23.0' } }, 'compose')[0]?.status).toBe('fail');
    expect(row({ ...remote, compose: { ok: true, version: '2.23.1' } }, 'compose')[0]?.status).toBe('ok');
    expect(row({ ...healthy(), compose: { ok: true, version: '2.20.0' } }, 'compose')[0]?.status).toBe('ok');
  });

  it('missing images warn, with prepare as the fix (and --host when doctor ran against one)', () => {
    const f = {
      ...healthy(),
      lab: 'lab --host ssh://u@pc01',
      images: healthy().images!.map((i) => ({ ...i, present: false })),
    };
    const rows = row(f, 'image');
    expect(rows.map((r) => r.status)).toEqual(['warn', 'warn']);
    expect(rows[0]?.detail).toMatch(/needs a registry/);
    expect(rows[1]?.detail).toMatch(/lab up builds it/);
    expect(rows[0]?.fix).toBe(
      'lab --host ssh://u@pc01 prepare 03   # offline: lab --host ssh://u@pc01 prepare --load bundle.tar',
    );
    expect(doctorExitCode(doctorChecks(f))).toBe(0);
  });

  it('a port held by something else fails and names it', () => {
    const ports = (holder: NonNullable<DoctorFacts['ports']>[number]['holder']) => ({
      ...healthy(),
      ports: [{ port: 8080, option: '--app-port', labs: ['03-load-balancing'], holder }],
    });
    expect(row(ports({ kind: 'container', name: 'web', image: 'nginx' }), 'port 8080')).toEqual([
      {
        name: 'port 8080',
        status: 'fail',
        detail: "held by container web (nginx), which is not a lab's",
        fix: 'docker stop web   # or: lab up 03 --app-port auto',
      },
    ]);
    expect(row(ports({ kind: 'process', what: 'process nginx (pid 42)' }), 'port 8080')[0]).toMatchObject({
      status: 'fail',
      detail: 'held by process nginx (pid 42)',
    });
    expect(row(ports({ kind: 'unchecked', why: 'remote' }), 'port 8080')[0]?.status).toBe('skip');
  });

  it('low disk warns under 2 GB; an unmeasurable disk is skipped', () => {
    expect(row({ ...healthy(), disk: { path: '/d', freeBytes: 1.5e9 } }, 'disk')[0]).toMatchObject({
      status: 'warn',
      detail: "1.5 GB free for Docker's data root /d",
    });
    expect(row({ ...healthy(), disk: { path: '/d', skipped: 'remote engine' } }, 'disk')[0]?.status).toBe('skip');
  });

  it('leftovers and stale locks warn, with the exact commands', () => {
    const f: DoctorFacts = {
      ...healthy(),
      leftovers: {
        stopped: [{ name: 'p1-app-1', project: 'p1', lab: '03-load-balancing' }],
        idleNetworks: [{ name: 'p2_default', project: 'p2' }],
      },
      locks: [
        { file: '/h/locks/p3.lock', project: 'p3', pid: 999999, command: 'up 03', alive: false },
        { file: '/h/locks/p4.lock', project: 'p4', pid: 1, command: 'up 03', alive: true },
      ],
    };
    const [stopped, networks] = row(f, 'leftovers');
    expect(stopped).toMatchObject({ status: 'warn', fix: 'lab down 03 --project p1' });
    expect(networks).toMatchObject({ status: 'warn', fix: 'lab reset --yes' });
    expect(row(f, 'locks')[0]).toMatchObject({ status: 'warn', fix: 'rm /h/locks/p3.lock' });
    expect(doctorExitCode(doctorChecks(f))).toBe(0);
  });

  it('renders a table, then the fixes in order', () => {
    const f = {
      ...healthy(),
      disk: { path: '/d', freeBytes: 1e9 },
      ports: [
        {
          port: 8080,
          option: '--app-port',
          labs: ['03-load-balancing'],
          holder: { kind: 'process' as const, what: 'process nginx (pid 42)' },
        },
      ],
    };
    const text = renderDoctor(doctorChecks(f));
    expect(text.split('\n')[0]).toMatch(/^CHECK\s+STATUS\s+DETAIL$/);
    expect(text).toContain('port 8080  fail    held by process nginx (pid 42)');
    expect(text.split('To fix:\n')[1]).toBe(
      [
        '  1. port 8080 (fail): stop process nginx (pid 42)   # or: lab up 03 --app-port auto',
        '  2. disk (warn): lab reset --images   # or: docker system prune',
      ].join('\n'),
    );
  });
});
