import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/config/parse-lab.ts';
import { formatProblem } from '../../src/core/errors.ts';
import { imagesOf } from '../../src/core/images.ts';
import type { Lab } from '../../src/core/lab-schema.ts';
import { resolveOptions } from '../../src/core/options.ts';
import { composeModel } from '../../src/core/render-compose.ts';
import { isAppReplica } from '../../src/engine/project.ts';

/** backing: services the app uses but HAProxy does not front (lab 06's Redis). */
const text = (backing: string[], app = 'app') =>
  [
    'id: 09-backing',
    'title: t',
    'summary: s',
    'goals: [g]',
    'services:',
    `  ${app}:`,
    '    image: lab/whoami:1',
    '    port: 8000',
    '    health: /health',
    '    environment:',
    '      REDIS_URL: redis://redis:6379',
    'backing:',
    ...backing,
    'loadBalancer:',
    '  image: haproxy:3.0',
  ].join('\n');

function parsed(t: string): Lab {
  const r = parseLab(t, 'lab.yaml');
  if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'));
  return r.lab;
}

describe('backing: services', () => {
  it.each([
    {
      name: "lab's own service",
      backing: ['  haproxy:', '    image: redis:7-alpine'],
      want: /lab\.yaml:13:3 backing\.haproxy: "haproxy" is lab's own service/,
    },
    {
      name: 'the clients',
      backing: ['  client:', '    image: redis:7-alpine'],
      want: /backing\.client: "client" is lab's own service/,
    },
    {
      name: 'an app service',
      backing: ['  app:', '    image: redis:7-alpine'],
      want: /backing\.app: "app" is also an app service/,
    },
    {
      name: 'a key it does not have',
      backing: ['  redis:', '    image: redis:7-alpine', '    port: 6379'],
      want: /backing\.redis\.port: unknown key "port"/,
    },
  ])('rejects $name at file:line:col', ({ backing, want }) => {
    const r = parseLab(text(backing), 'lab.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map(formatProblem).join('\n')).toMatch(want);
  });

  const lab = parsed(text(['  redis:', '    image: redis:7-alpine']));
  const options = resolveOptions(lab, { project: 'p', image: ['redis:7-alpine=lab-local/redis:8'] }).options;

  it('renders one container, substituted, with the role label, no ports and no HAProxy dependency', () => {
    const services = composeModel({ lab, options, workspace: '/w' }).services as Record<
      string,
      Record<string, unknown>
    >;
    expect(services.redis).toEqual({
      image: 'lab-local/redis:8',
      labels: expect.objectContaining({ 'lab.managed': 'true', 'lab.project': 'p', 'lab.role': 'backing' }),
      stop_grace_period: '2s',
    });
    expect(services.haproxy?.depends_on).toEqual(['app']);
  });

  it('is an image lab prepare pulls', () => {
    expect(imagesOf(lab).pulled).toContain('redis:7-alpine');
  });

  it.each([
    { c: { service: 'app' }, app: true },
    { c: { service: 'haproxy' }, app: false },
    { c: { service: 'client' }, app: false },
    { c: { service: 'redis', role: 'backing' }, app: false },
  ])('isAppReplica($c) is $app: checks, status and faults count only app replicas', ({ c, app }) => {
    expect(isAppReplica(c)).toBe(app);
  });
});
