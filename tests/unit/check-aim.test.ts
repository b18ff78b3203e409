import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/config/parse-lab.ts';
import { formatProblem } from '../../src/core/errors.ts';
import { checkAim } from '../../src/core/services.ts';

/** distribution and failover aim at one service (core/services.ts checkAim): its backend and its path. */
describe('checkAim', () => {
  const generated = [{ name: 'web' }, { name: 'api', path: '/api' }, { name: 'big', path: '/big/' }];
  it.each([
    { name: 'no service: the default one, at /', services: generated, check: {}, want: { backend: 'web', path: '/' } },
    {
      name: 'a service routed under a prefix: its prefix',
      services: generated,
      check: { service: 'api' },
      want: { backend: 'api', path: '/api/' },
    },
    {
      name: 'a prefix given with its slash',
      services: generated,
      check: { service: 'big' },
      want: { backend: 'big', path: '/big/' },
    },
    {
      name: 'the default service named',
      services: generated,
      check: { service: 'web' },
      want: { backend: 'web', path: '/' },
    },
    {
      name: 'a path given wins',
      services: generated,
      check: { service: 'api', path: '/api/json' },
      want: { backend: 'api', path: '/api/json' },
    },
    {
      name: 'student mode (no paths): the path the check gives',
      services: [{ name: 'web' }, { name: 'api' }],
      check: { service: 'api', path: '/api/' },
      want: { backend: 'api', path: '/api/' },
    },
    { name: 'app: alone', services: [{ name: 'app' }], check: {}, want: { backend: 'app', path: '/' } },
    { name: 'no lab file read', services: [], check: {}, want: { backend: 'app', path: '/' } },
    {
      name: 'every service with a path: the first is the default',
      services: [
        { name: 'a', path: '/a' },
        { name: 'b', path: '/b' },
      ],
      check: {},
      want: { backend: 'a', path: '/a/' },
    },
  ])('$name', ({ services, check, want }) => {
    expect(checkAim(services, check)).toEqual(want);
  });
});

describe('service: and path: on distribution and failover checks', () => {
  const svc = (name: string, ...more: string[]) => [
    `  ${name}:`,
    '    image: lab/whoami:1',
    '    port: 8000',
    '    health: /health',
    ...more.map((m) => `    ${m}`),
  ];
  const lab = (extra: string[]) =>
    [
      'id: 09-services',
      'title: t',
      'summary: s',
      'goals: [g]',
      'services:',
      ...svc('web'),
      ...svc('api', 'path: /api'),
      'loadBalancer:',
      '  image: haproxy:3.0',
      ...extra,
    ].join('\n');
  const task = (...check: string[]) => [
    'tasks:',
    '  - id: t1',
    '    title: t',
    '    instructions: i',
    '    checks:',
    ...check.map((l) => `      ${l}`),
  ];
  const problems = (text: string) => {
    const r = parseLab(text, 'lab.yaml');
    return r.ok ? [] : r.problems.map(formatProblem);
  };

  it.each([
    [
      'checks: distribution',
      ['checks:', '  - name: api-spread', '    kind: distribution', '    service: api', '    path: /api/json'],
    ],
    ['checks: failover', ['checks:', '  - name: api-failover', '    kind: failover', '    service: api']],
    ['a task distribution', task('- kind: distribution', '  service: api', '  path: /api/')],
    ['a task failover', task('- kind: failover', '  service: api', '  fault: kill')],
  ])('%s takes them', (_name, extra) => {
    expect(problems(lab(extra))).toEqual([]);
  });

  it.each([
    [
      'a task distribution',
      task('- kind: distribution', '  service: apj'),
      /lab\.yaml:\d+:\d+ tasks\.0\.checks\.0\.service: "apj" is not a service of this lab: web, api/,
    ],
    [
      'a task failover',
      task('- kind: failover', '  service: apj'),
      /tasks\.0\.checks\.0\.service: "apj" is not a service of this lab: web, api/,
    ],
    [
      'a task kill-replica',
      task('- kind: kill-replica', '  service: apj', '  expect: { maxFailed: 0.1 }'),
      /tasks\.0\.checks\.0\.service: "apj" is not a service of this lab/,
    ],
    [
      'checks: distribution',
      ['checks:', '  - name: spread', '    kind: distribution', '    service: apj'],
      /checks\.0\.service: "apj" is not a service of this lab/,
    ],
    [
      'a path without its slash',
      ['checks:', '  - name: spread', '    kind: distribution', '    path: api'],
      /checks\.0\.path: must be a path like \/api\//,
    ],
  ])('%s naming no service of the lab is a problem at its place', (_name, extra, want) => {
    expect(problems(lab(extra)).join('\n')).toMatch(want);
  });
});
