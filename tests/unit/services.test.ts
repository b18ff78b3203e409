import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseLab } from '../../src/config/parse-lab.ts';
import { formatProblem, UsageError } from '../../src/core/errors.ts';
import { resolveOptions } from '../../src/core/options.ts';
import { composeModel, renderCompose } from '../../src/core/render-compose.ts';
import { renderHaproxyCfg } from '../../src/core/render-haproxy.ts';
import { parseScale, withCounts } from '../../src/core/scale-request.ts';
import { defaultService, describeReplicas, labServices, replicaCounts, upText } from '../../src/core/services.ts';
import { imagesOf } from '../../src/core/images.ts';
import type { Lab } from '../../src/core/lab-schema.ts';
import { lab03, REPO_ROOT } from '../helpers/lab03.ts';

const FIXTURE = join(REPO_ROOT, 'tests/e2e/fixtures/services-labs/92-services/lab.yaml');
const fixtureText = readFileSync(FIXTURE, 'utf8');

function parsed(text: string): Lab {
  const r = parseLab(text, 'lab.yaml');
  if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'));
  return r.lab;
}
const lab = parsed(fixtureText);

/** A lab with `services:` given as YAML lines (indented two spaces under services:). */
const withServices = (services: string[], extra: string[] = []): string =>
  [
    'id: 09-services',
    'title: t',
    'summary: s',
    'goals: [g]',
    'services:',
    ...services,
    'loadBalancer:',
    '  image: haproxy:3.0',
    ...extra,
  ].join('\n');
const svc = (name: string, ...more: string[]) => [
  `  ${name}:`,
  '    image: lab/whoami:1',
  '    port: 8000',
  '    health: /health',
  ...more.map((m) => `    ${m}`),
];

describe('services: schema problems at file:line:col', () => {
  const problemsOf = (text: string) => {
    const r = parseLab(text, 'lab.yaml');
    if (r.ok) throw new Error('expected the lab to be rejected');
    return r.problems.map(formatProblem);
  };
  it.each([
    {
      name: 'both app and services',
      text: `${withServices(svc('web'))}\napp:\n  image: a:1\n  port: 1\n  health: /h`,
      want: /lab\.yaml:5:1 services: give either app: \(one service\) or services:, not both/,
    },
    {
      name: 'neither',
      text: ['id: 09-services', 'title: t', 'summary: s', 'goals: [g]', 'loadBalancer:', '  image: haproxy:3.0'].join(
        '\n',
      ),
      want: /needs app: \(one service\) or services: \(several\)/,
    },
    {
      name: 'an uppercase name',
      text: withServices(svc('Web')),
      want: /lab\.yaml:6:3 .*must be a lowercase name such as web/,
    },
    {
      name: "lab's own service name",
      text: withServices(svc('haproxy')),
      want: /lab\.yaml:6:3 services\.haproxy: "haproxy" is lab's own service/,
    },
    {
      name: 'a bad cpus',
      text: withServices(svc('web', 'cpus: 0')),
      want: /lab\.yaml:10:11 services\.web\.cpus: must be at least 0\.01/,
    },
    {
      name: 'a bad memory',
      text: withServices(svc('web', 'memory: 256MB')),
      want: /lab\.yaml:10:13 services\.web\.memory: must be a size such as 256m or 1g/,
    },
    {
      name: 'a memory below Docker minimum',
      text: withServices(svc('web', 'memory: 1m')),
      want: /services\.web\.memory: must be at least 6m/,
    },
    {
      name: 'an unsafe environment value',
      text: withServices(svc('web', 'environment:', '  A: "x; rm"')),
      want: /services\.web\.environment\.A: an environment value may only contain/,
    },
    {
      name: 'VERSION twice',
      text: withServices(svc('web', 'version: v1', 'environment:', '  VERSION: v2')),
      want: /services\.web\.environment\.VERSION: is set by version/,
    },
    {
      name: 'two services without a path',
      text: withServices([...svc('web'), ...svc('api')]),
      want: /lab\.yaml:10:3 services\.api: has no path, like web.*give api a path such as \/api/,
    },
    {
      name: 'the same path twice',
      text: withServices([...svc('web'), ...svc('api', 'path: /api'), ...svc('v2', 'path: /api')]),
      want: /services\.v2\.path: "\/api" is also api's path/,
    },
    {
      name: 'a path with a trailing slash',
      text: withServices([...svc('web', 'path: /web/')]),
      want: /services\.web\.path: must be a path prefix like \/api/,
    },
    {
      name: 'a check naming no service',
      text: withServices(svc('web'), ['checks:', '  - name: up', '    kind: replicas-up', '    service: api']),
      want: /services\.|checks\.0\.service: "api" is not a service of this lab: web/,
    },
  ])('$name', ({ text, want }) => {
    expect(problemsOf(text).join('\n')).toMatch(want);
  });

  it('accepts two services when one has a path', () => {
    expect(parseLab(withServices([...svc('web'), ...svc('api', 'path: /api')]), 'lab.yaml').ok).toBe(true);
  });

  it('student mode may leave several services without a path: the student routes', () => {
    const text = withServices([...svc('web'), ...svc('api')], ['  config: student', '  starter: starter.cfg']);
    expect(parseLab(text, 'lab.yaml').ok).toBe(true);
  });
});

describe('labServices: one list, whether the file says app: or services:', () => {
  it('app: is one service named app, as before', () => {
    const [only, ...rest] = labServices(lab03());
    expect(rest).toEqual([]);
    expect(only).toMatchObject({
      name: 'app',
      image: 'lab/whoami:1',
      port: 8000,
      health: '/health',
      environment: {},
      at: ['app'],
    });
  });

  it('services: in file order, with their paths and the first without a path as the default', () => {
    const services = labServices(lab);
    expect(services.map((s) => [s.name, s.path, s.version, s.replicas])).toEqual([
      ['web', undefined, '1.0.0', 2],
      ['api', '/api', '2.0.0', undefined],
      ['static', '/static', '0.9.0', undefined],
    ]);
    expect(defaultService(services).name).toBe('web');
    expect(defaultService(labServices(lab03())).name).toBe('app');
  });

  it('replica counts: own count, else defaults.replicas; --replicas sets every service', () => {
    expect(replicaCounts(lab, resolveOptions(lab).options)).toEqual([
      { service: 'web', replicas: 2 },
      { service: 'api', replicas: 1 },
      { service: 'static', replicas: 1 },
    ]);
    expect(replicaCounts(lab, resolveOptions(lab, { replicas: '3' }).options).map((c) => c.replicas)).toEqual([
      3, 3, 3,
    ]);
    expect(resolveOptions(lab03()).options.serviceReplicas).toBeUndefined();
    expect(describeReplicas(replicaCounts(lab, resolveOptions(lab).options))).toBe(
      '4 replica(s) (web 2, api 1, static 1)',
    );
    expect(describeReplicas(replicaCounts(lab03(), resolveOptions(lab03()).options))).toBe('3 replica(s)');
    expect(upText([{ service: 'app', up: 2, replicas: 3 }])).toBe('2/3 replicas UP');
    expect(
      upText([
        { service: 'web', up: 2, replicas: 3 },
        { service: 'api', up: 1, replicas: 1 },
      ]),
    ).toBe('web 2/3, api 1/1 replicas UP');
  });

  it('images: each built image once, its base image pulled', () => {
    expect(imagesOf(lab)).toEqual({
      pulled: ['haproxy:3.0', 'node:20-alpine'],
      base: ['node:20-alpine'],
      built: ['lab/whoami:1'],
    });
  });
});

describe('lab scale arguments', () => {
  const usage = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      if (e instanceof UsageError) return `${e.message} | ${e.hint ?? ''}`;
      throw e;
    }
    throw new Error('expected a UsageError');
  };
  const three = ['web', 'api', 'static'];
  it.each([
    { args: ['5'], services: ['app'], want: { app: 5 } },
    { args: ['app=4'], services: ['app'], want: { app: 4 } },
    { args: ['web=5', 'api=2'], services: three, want: { web: 5, api: 2 } },
  ])('$args', ({ args, services, want }) => expect(parseScale(args, services, '92')).toEqual(want));

  it.each([
    {
      args: ['5'],
      want: /"5": lab 92 has 3 services \(web, api, static\); say which one to scale as service=count \| e\.g\. lab scale 92 web=2 api=3 static=4/,
    },
    { args: ['db=2'], want: /"db=2" names no service of lab 92: its services are web, api, static/ },
    { args: ['web=0'], want: /web must be a whole number from 1 to 100, got "0"/ },
    { args: ['web=2', 'web=3'], want: /"web=3": web is given twice/ },
  ])('refuses $args', ({ args, want }) => expect(usage(() => parseScale(args, three, '92'))).toMatch(want));

  it('a lab of one service keeps its count in replicas; several keep theirs per service', () => {
    const one = resolveOptions(lab03()).options;
    expect(withCounts(one, { app: 5 }, ['app'])).toEqual({ ...one, replicas: 5 });
    const many = resolveOptions(lab).options;
    expect(withCounts(many, { api: 4 }, three).serviceReplicas).toEqual({ web: 2, api: 4 });
  });
});

describe('render a lab of three services', () => {
  const { options } = resolveOptions(lab, { project: 'lab-92-services' });
  const builds = Object.fromEntries(
    ['web', 'api', 'static'].map((s) => [s, { context: '/opt/lab/compose/whoami', hash: 'abc' }]),
  );
  const cfg = renderHaproxyCfg(lab, options);
  const compose = renderCompose({ lab, options, workspace: '/tmp/lab-workspace', builds });
  const model = composeModel({ lab, options, workspace: '/tmp/lab-workspace', builds }) as {
    services: Record<string, Record<string, unknown>>;
  };

  it('haproxy.cfg matches its snapshot', async () => {
    await expect(cfg).toMatchFileSnapshot('./__snapshots__/render/services-3.cfg');
  });
  it('compose.yaml matches its snapshot', async () => {
    await expect(compose).toMatchFileSnapshot('./__snapshots__/render/services-3.yaml');
  });

  it('one backend per service, routed by path, the first without a path as default', () => {
    expect(cfg.match(/^backend \S+/gm)).toEqual(['backend web', 'backend api', 'backend static']);
    expect(cfg).toMatch(/^ {4}use_backend static if \{ path \/static \} \|\| \{ path_beg \/static\/ \}$/m);
    expect(cfg).toMatch(/^ {4}default_backend web$/m);
    expect(cfg).toMatch(/^ {4}server-template api 1-10 api:8000$/m);
    expect(cfg).toMatch(/^ {4}http-request set-path %\[path,regsub\(\^\/api\/\?,\/\)\]$/m);
  });

  it('each service with its replicas, VERSION, environment and limits', () => {
    expect(Object.keys(model.services)).toEqual(['web', 'api', 'static', 'haproxy']);
    expect(model.services.web?.deploy).toEqual({ replicas: 2, resources: { limits: { cpus: '0.5', memory: '128m' } } });
    expect(model.services.api?.deploy).toEqual({ replicas: 1 });
    // SERVICE: a service lab builds names itself from it (X-App), on Docker and Podman alike.
    expect(model.services.api?.environment).toEqual({ SERVICE: 'api', LOG_LEVEL: 'debug', VERSION: '2.0.0' });
    expect(model.services.haproxy?.depends_on).toEqual(['web', 'api', 'static']);
    expect((parse(compose) as { services: Record<string, { deploy: unknown }> }).services.web?.deploy).toEqual(
      model.services.web?.deploy,
    );
  });

  it('scaling one service within its slots leaves haproxy.cfg byte-identical (no reload)', () => {
    expect(renderHaproxyCfg(lab, withCounts(options, { api: 9 }, ['web', 'api', 'static']))).toBe(cfg);
    expect(renderHaproxyCfg(lab, withCounts(options, { api: 11 }, ['web', 'api', 'static']))).not.toBe(cfg);
  });
});
