import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveOptions, type RenderFlags, type RenderOptions } from '../../src/core/options.ts';
import { composeModel, renderCompose } from '../../src/core/render-compose.ts';
import { renderHaproxyCfg, serverSlots } from '../../src/core/render-haproxy.ts';
import { renderHaproxyEnv } from '../../src/core/render-secrets.ts';
import { lab03 } from '../helpers/lab03.ts';

/** Fixed paths, so the snapshots are the same on every machine. */
const WORKSPACE = '/tmp/lab-workspace';
const BUILD_CONTEXT = '/opt/lab/compose/whoami';

const lab = lab03();

interface Rendered {
  options: RenderOptions;
  cfg: string;
  compose: string;
  model: ComposeFile;
}

interface PortMapping {
  target: number;
  published?: string;
  host_ip: string;
  protocol: string;
}
interface Service {
  image: string;
  build?: { context: string; args?: Record<string, string>; labels: Record<string, string> };
  deploy?: { replicas: number };
  ports?: PortMapping[];
  env_file?: string[];
  labels: Record<string, string>;
}
interface ComposeFile {
  name: string;
  services: Record<string, Service>;
  networks: { default: { labels: Record<string, string> } };
}

function render(flags: RenderFlags, buildContext = BUILD_CONTEXT, workspace = WORKSPACE): Rendered {
  const { options } = resolveOptions(lab, flags);
  const compose = renderCompose({ lab, options, workspace, builds: { app: { context: buildContext } } });
  return { options, cfg: renderHaproxyCfg(lab, options), compose, model: parse(compose) as ComposeFile };
}

const _ = (name: string, flags: RenderFlags) => ({ name, flags });
const CASES = [
  _('defaults', {}),
  _('tcp', { mode: 'tcp' }),
  _('sticky', { sticky: true }),
  _('leastconn', { algorithm: 'leastconn' }),
  _('first', { algorithm: 'first' }),
  _('replicas-42', { replicas: '42' }),
  _('expose', { expose: true }),
  _('expose-stats-admin', { expose: true, statsAdmin: true }),
  _('ports-auto', { appPort: 'auto', statsPort: 'auto' }),
  _('images', {
    image: [
      'haproxy:3.0=lab-local/haproxy:3.0',
      'node:20-alpine=lab-local/node:20',
      'lab/whoami:1=lab-test/whoami:dev',
    ],
  }),
];

const lines = (text: string, pattern: RegExp): string[] => text.split('\n').filter((l) => pattern.test(l));

describe.each(CASES)('render lab 03: $name', ({ name, flags }) => {
  const r = render(flags);

  it('haproxy.cfg matches its snapshot', async () => {
    await expect(r.cfg).toMatchFileSnapshot(`./__snapshots__/render/${name}.cfg`);
  });

  it('compose.yaml matches its snapshot', async () => {
    await expect(r.compose).toMatchFileSnapshot(`./__snapshots__/render/${name}.yaml`);
  });

  it('writes balance explicitly (the default changed in HAProxy 3.3)', () => {
    expect(lines(r.cfg, /^\s*balance\b/)).toEqual([`    balance ${r.options.algorithm}`]);
  });

  it('uses one server-template with at least as many slots as replicas, and no fixed server line', () => {
    const templates = lines(r.cfg, /^\s*server-template\b/);
    expect(templates).toHaveLength(1);
    const m = /^ {4}server-template app 1-(\d+) app:(\d+)$/.exec(templates[0]!);
    expect(m, templates[0]).not.toBeNull();
    const slots = Number(m![1]);
    expect(slots).toBeGreaterThanOrEqual(r.options.replicas);
    expect(slots).toBe(serverSlots(r.options.replicas));
    expect(Number(m![2])).toBe(lab.app?.port);
    expect(r.cfg).not.toMatch(/^\s*server app app:/m);
    expect(r.cfg).not.toMatch(/^\s*server\s/m);
  });

  it('sticky adds a dynamic cookie, and only when sticky', () => {
    const cookie = lines(r.cfg, /^\s*cookie\b/);
    if (r.options.sticky) {
      expect(cookie).toEqual(['    cookie SERVERID insert indirect nocache dynamic']);
      expect(lines(r.cfg, /dynamic-cookie-key/)).toEqual([`    dynamic-cookie-key ${r.options.project}`]);
    } else {
      expect(cookie).toEqual([]);
      expect(r.cfg).not.toContain('dynamic-cookie-key');
    }
  });

  it('http-only directives appear only in http mode', () => {
    const httpOnly = lines(r.cfg, /^\s*(http-response|retry-on|option httplog)\b/);
    if (r.options.mode === 'tcp') {
      expect(httpOnly).toEqual([]);
      expect(r.cfg).not.toMatch(/httplog/);
      expect(lines(r.cfg, /^\s*mode\b/)).toEqual(['    mode tcp', '    mode http']); // defaults, then the stats listener
      expect(r.cfg).toContain('    option tcplog');
    } else {
      expect(httpOnly).toHaveLength(3);
      expect(r.cfg).not.toMatch(/tcplog/);
    }
  });

  it('the stats page takes its credentials from the environment: haproxy.cfg holds no password', () => {
    expect(lines(r.cfg, /stats auth/)).toEqual(['    stats auth "${LAB_STATS_AUTH}"']);
    expect(r.cfg).not.toContain(`${r.options.statsUser}:${r.options.statsPassword}`);
    expect(r.compose).not.toContain(`${r.options.statsUser}:${r.options.statsPassword}`);
    expect(renderHaproxyEnv(r.options)).toMatch(
      new RegExp(`^LAB_STATS_AUTH=${r.options.statsUser}:${r.options.statsPassword}$`, 'm'),
    );
    expect(r.model.services.haproxy?.env_file).toEqual(['./haproxy.env']);
  });

  it('lets the stats page drain and stop servers on loopback only, unless --stats-admin', () => {
    const admin = Boolean(flags.statsAdmin) || !flags.expose;
    expect(lines(r.cfg, /^\s*stats admin/)).toEqual(admin ? ['    stats admin if TRUE'] : []);
  });

  it('publishes ports on 127.0.0.1 unless --expose', () => {
    const ports = r.model.services.haproxy?.ports ?? [];
    expect(ports.map((p) => p.target)).toEqual([8080, 1936]);
    for (const p of ports) expect(p.host_ip).toBe(r.options.expose ? '0.0.0.0' : '127.0.0.1');
    expect(ports.map((p) => p.published)).toEqual(
      [r.options.appPort, r.options.statsPort].map((port) => (port === null ? undefined : String(port))),
    );
    expect(r.model.services.app?.ports).toBeUndefined();
  });

  it('labels every service, the build and the default network', () => {
    const want = {
      'lab.managed': 'true',
      'lab.id': lab.id,
      'lab.project': r.options.project,
      'lab.workspace': WORKSPACE,
    };
    const labelled = {
      ...Object.fromEntries(Object.entries(r.model.services).map(([k, s]) => [k, s.labels])),
      'default network': r.model.networks.default.labels,
    };
    expect(Object.keys(labelled)).toEqual(['app', 'haproxy', 'default network']);
    for (const [what, labels] of Object.entries(labelled)) expect(labels, what).toEqual(want);
    // The built image is shared by every project of the lab, and every container started from
    // it inherits its labels: image-level labels only, none that marks a container as lab's.
    expect(r.model.services.app?.build?.labels).toEqual({ 'lab.image.built-for': lab.id });
    // A YAML 1.1 parser would read an unquoted true as a boolean; labels must be strings.
    expect(r.compose).toContain('lab.managed: "true"');
  });

  it('scales the app by deploy.replicas, with no container_name', () => {
    expect(r.model.services.app?.deploy).toEqual({ replicas: r.options.replicas });
    expect(r.compose).not.toContain('container_name');
    expect(r.model.name).toBe(r.options.project);
  });

  it('applies --image substitutions to every image reference', () => {
    const images = [
      r.model.services.app?.image,
      r.model.services.haproxy?.image,
      r.model.services.app?.build?.args?.BASE_IMAGE,
    ];
    const sub = (ref: string) => r.options.images[ref] ?? ref;
    expect(images).toEqual([sub('lab/whoami:1'), sub('haproxy:3.0'), sub('node:20-alpine')]);
  });

  it('is pure: rendering twice gives the same bytes', () => {
    const again = render(flags);
    expect(again.cfg).toBe(r.cfg);
    expect(again.compose).toBe(r.compose);
  });
});

describe('render details', () => {
  it('the image case really substitutes every image', () => {
    const { model } = render(CASES.find((c) => c.name === 'images')!.flags);
    expect(model.services.app?.image).toBe('lab-test/whoami:dev');
    expect(model.services.haproxy?.image).toBe('lab-local/haproxy:3.0');
    expect(model.services.app?.build?.args).toEqual({ BASE_IMAGE: 'lab-local/node:20' });
  });

  it('writes a $ in the build context and workspace paths as $$', () => {
    const { compose, model } = render({}, '/opt/la$b/${HOME}/whoami', '/tmp/ws$1');
    expect(compose).toContain('context: /opt/la$$b/$${HOME}/whoami');
    expect(model.services.app?.build?.context).toBe('/opt/la$$b/$${HOME}/whoami');
    expect(model.services.app?.labels['lab.workspace']).toBe('/tmp/ws$$1');
    // No single $ is left that Compose would interpolate.
    expect(compose.replaceAll('$$', '')).not.toContain('$');
  });

  it('composeModel has no build section without a build context', () => {
    const { options } = resolveOptions(lab);
    const model = composeModel({ lab, options, workspace: WORKSPACE }) as unknown as ComposeFile;
    expect(model.services.app?.build).toBeUndefined();
    expect(model.services.app).not.toHaveProperty('pull_policy');
  });

  it('server slots: a floor of 10, then rounded up to tens', () => {
    expect([1, 3, 10, 11, 42, 99, 100].map(serverSlots)).toEqual([10, 10, 10, 20, 50, 100, 100]);
  });

  it('scaling within the server slots leaves haproxy.cfg byte-identical (no reload needed)', () => {
    const cfg = render({ replicas: '1' }).cfg;
    expect(render({ replicas: '3' }).cfg).toBe(cfg);
    expect(render({ replicas: '10' }).cfg).toBe(cfg);
    expect(render({ replicas: '11' }).cfg).not.toBe(cfg);
  });

  it('first limits each server with maxconn so it fills one before the next', () => {
    expect(render({ algorithm: 'first' }).cfg).toMatch(/^ {4}default-server .* maxconn 10$/m);
    expect(render({}).cfg).not.toContain('maxconn');
  });
});
