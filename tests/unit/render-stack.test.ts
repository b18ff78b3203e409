import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveOptions, type RenderFlags } from '../../src/core/options.ts';
import { renderHaproxyCfg } from '../../src/core/render-haproxy.ts';
import { renderStack, stackConfigName } from '../../src/core/render-stack.ts';
import type { BuildContext } from '../../src/core/images.ts';
import { lab03 } from '../helpers/lab03.ts';

const lab = lab03();
const WORKSPACE = '/tmp/lab-workspace';

function render(flags: RenderFlags, zoneLabel = 'zone', builds?: Record<string, BuildContext>) {
  const { options } = resolveOptions(lab, flags);
  const cfg = renderHaproxyCfg(lab, options, 'swarm');
  const text = renderStack({
    lab,
    options,
    workspace: WORKSPACE,
    haproxyCfg: cfg,
    zoneLabel,
    ...(builds ? { builds } : {}),
  });
  return { cfg, text, model: parse(text) as StackFile };
}

interface Service {
  image: string;
  build?: unknown;
  depends_on?: unknown;
  init?: boolean;
  labels: Record<string, string>;
  ports?: { target: number; published: number; mode: string }[];
  deploy: {
    mode?: string;
    endpoint_mode: string;
    labels: Record<string, string>;
    restart_policy: { condition: string };
    placement?: { preferences: { spread: string }[] };
  };
}
interface StackFile {
  services: Record<string, Service>;
  configs: Record<string, { name: string; file: string }>;
  networks: Record<string, { driver: string; ipam?: unknown }>;
}

describe('renderStack (lab 03 on Docker Swarm)', () => {
  it.each([
    ['defaults', {}],
    [
      'replicas-6-images',
      { replicas: '6', image: ['haproxy:3.0=lab-local/haproxy:3.0', 'lab/whoami:1=lab-test/whoami:dev'] },
    ],
  ] as [string, RenderFlags][])('%s: stack file and haproxy.cfg', async (name, flags) => {
    const { text, cfg } = render(flags);
    await expect(text).toMatchFileSnapshot(`__snapshots__/render-stack/${name}.stack.yml`);
    await expect(cfg).toMatchFileSnapshot(`__snapshots__/render-stack/${name}.haproxy.cfg`);
  });

  it('built: lab builds the app and the stack runs it under its build-hash tag (never a stale build on a node)', async () => {
    const { text, model } = render({ image: ['haproxy:3.0=lab-local/haproxy:3.0'] }, 'zone', {
      app: { context: '/opt/lab/compose/whoami', hash: '0123456789abcdef' },
    });
    await expect(text).toMatchFileSnapshot('__snapshots__/render-stack/built.stack.yml');
    expect(model.services.app!.image).toBe('lab/whoami:1-0123456789abcdef');
    expect(model.services.app!.build).toBeUndefined();
  });

  it('owns what Swarm needs: no build or depends_on, init, dnsrr, restart policy, host-mode ports, overlay network without a subnet', () => {
    const { model } = render({});
    for (const s of Object.values(model.services)) {
      expect(s.build).toBeUndefined();
      expect(s.depends_on).toBeUndefined();
      expect(s.init).toBe(true);
      expect(s.deploy.endpoint_mode).toBe('dnsrr');
      expect(s.deploy.restart_policy.condition).toBe('any');
      expect(s.labels['lab.managed']).toBe('true');
      expect(s.deploy.labels['lab.project']).toBe('lab-03-load-balancing');
    }
    expect(model.services.haproxy!.deploy.mode).toBe('global');
    expect(model.services.haproxy!.ports).toEqual([
      { target: 8080, published: 8080, protocol: 'tcp', mode: 'host' },
      { target: 1936, published: 1936, protocol: 'tcp', mode: 'host' },
    ]);
    expect(model.networks.lab).toEqual(expect.objectContaining({ driver: 'overlay' }));
    expect(model.networks.lab!.ipam).toBeUndefined();
  });

  it.each([['zone'], ['rack']])('spreads the replicas over node.labels.%s', (zoneLabel) => {
    expect(render({}, zoneLabel).model.services.app!.deploy.placement!.preferences).toEqual([
      { spread: `node.labels.${zoneLabel}` },
    ]);
  });

  it('haproxy.cfg finds the replicas through tasks.app; the compose target keeps app', () => {
    const { options } = resolveOptions(lab, {});
    expect(render({}).cfg).toMatch(/^ {4}server-template app 1-10 tasks\.app:8000$/m);
    expect(renderHaproxyCfg(lab, options)).toMatch(/^ {4}server-template app 1-10 app:8000$/m);
  });

  it('names the config by the hash of haproxy.cfg: a changed file gets a new name', () => {
    const a = render({});
    const b = render({ algorithm: 'leastconn' });
    expect(a.model.configs.haproxy_cfg!.name).toBe(stackConfigName('lab-03-load-balancing', a.cfg));
    expect(a.model.configs.haproxy_cfg!.name).not.toBe(b.model.configs.haproxy_cfg!.name);
    expect(render({}).model.configs.haproxy_cfg!.name).toBe(a.model.configs.haproxy_cfg!.name);
  });

  it.each([
    [{ appPort: 'auto' }, /--app-port auto is not supported with --target swarm/],
    [{ statsPort: 'auto' }, /--stats-port auto is not supported with --target swarm/],
  ] as [RenderFlags, RegExp][])('refuses %o: Swarm has no per-node free port', (flags, message) => {
    expect(() => render(flags)).toThrow(message);
  });
});
