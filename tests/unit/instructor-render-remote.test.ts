import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveOptions } from '../../src/core/options.ts';
import { composeModel, renderCompose } from '../../src/core/render-compose.ts';
import { renderHaproxyCfg } from '../../src/core/render-haproxy.ts';
import { lab03 } from '../helpers/lab03.ts';

const lab = lab03();
const render = (inline: boolean, flags = {}) => {
  const { options } = resolveOptions(lab, flags);
  const cfg = renderHaproxyCfg(lab, options);
  const input = {
    lab,
    options,
    workspace: '/tmp/lab-workspace',
    builds: { app: { context: '/opt/lab/compose/whoami' } },
    inlineHaproxyCfg: inline ? cfg : undefined,
  };
  return {
    cfg,
    text: renderCompose(input),
    model: composeModel(input) as {
      services: Record<string, Record<string, unknown>>;
      configs?: Record<string, { content: string }>;
    },
  };
};

describe('compose for a remote engine: haproxy.cfg inline, no bind mount', () => {
  it('carries the config as a content config, and mounts nothing from this machine', () => {
    const { cfg, model } = render(true);
    const haproxy = model.services.haproxy!;
    expect(haproxy.volumes).toBeUndefined();
    expect(haproxy.configs).toEqual([{ source: 'haproxy_cfg', target: '/usr/local/etc/haproxy/haproxy.cfg' }]);
    expect(Object.keys(model.configs ?? {})).toEqual(['haproxy_cfg']);
    // Escaped for compose's interpolation ($$ reads back as $): HAProxy gets "${LAB_STATS_AUTH}".
    expect(cfg).toContain('"${LAB_STATS_AUTH}"');
    expect(model.configs?.haproxy_cfg?.content).toBe(cfg.replaceAll('$', '$$$$'));
  });

  it('a changed config changes a label, so compose recreates HAProxy', () => {
    const a = render(true).model.services.haproxy!.labels as Record<string, string>;
    const b = render(true, { algorithm: 'leastconn' }).model.services.haproxy!.labels as Record<string, string>;
    expect(a['lab.haproxy-cfg']).toMatch(/^[0-9a-f]{16}$/);
    expect(a['lab.haproxy-cfg']).not.toBe(b['lab.haproxy-cfg']);
    expect(a['lab.managed']).toBe('true');
  });

  it("escapes $ for compose's interpolation (compose-spec interpolation)", () => {
    const { model } = render(true);
    const withDollar = composeModel({
      lab,
      options: resolveOptions(lab, {}).options,
      workspace: '/w',
      inlineHaproxyCfg: 'x $HOME ${Y}\n',
    }) as typeof model;
    expect(withDollar.configs?.haproxy_cfg?.content).toBe('x $$HOME $${Y}\n');
  });

  it('is parseable YAML with the config as a block; the local rendering is unchanged (still a bind mount)', async () => {
    const { text } = render(true);
    expect((parse(text) as { configs: { haproxy_cfg: { content: string } } }).configs.haproxy_cfg.content).toContain(
      'server-template app',
    );
    await expect(text).toMatchFileSnapshot('./__snapshots__/instructor/remote-defaults.yaml');
    expect(render(false).model.services.haproxy!.volumes).toEqual([
      { type: 'bind', source: './haproxy', target: '/usr/local/etc/haproxy', read_only: true },
    ]);
    expect(render(false).model.configs).toBeUndefined();
  });
});
