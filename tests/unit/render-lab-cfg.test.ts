import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLab } from '../../src/config/labs.ts';
import { readLabCfgTemplate } from '../../src/config/templates.ts';
import { configIdOf } from '../../src/core/config-id.ts';
import { resolveOptions } from '../../src/core/options.ts';
import { composeModel } from '../../src/core/render-compose.ts';
import { renderLabCfg, studentHaproxyCommand } from '../../src/core/render-lab-cfg.ts';
import { LABS_DIR } from '../helpers/lab03.ts';

const loaded = readLab(join(LABS_DIR, '02-haproxy-config', 'lab.yaml')).lab!;
const { options } = resolveOptions(loaded.lab);
const template = readLabCfgTemplate();

describe('00-lab.cfg, the lab-owned part of a student lab: renderLabCfg', () => {
  it('renders templates/00-lab.cfg (snapshot)', () => {
    expect(renderLabCfg(template, loaded.lab, options, '# starter\n')).toMatchSnapshot();
  });

  it('fills every placeholder and keeps the stats password out of the file', () => {
    const cfg = renderLabCfg(template, loaded.lab, { ...options, statsPassword: 'sekret' }, '');
    expect(cfg).not.toMatch(/@[A-Z_]+@/);
    expect(cfg).not.toContain('sekret');
    expect(cfg).toContain('stats auth "${LAB_STATS_AUTH}"');
    expect(cfg).toMatch(/^ {4}master-worker$/m);
    expect(cfg).toMatch(/^resolvers docker$/m);
    expect(cfg).toContain('stats socket ipv4@127.0.0.1:9999 level admin');
  });

  it.each([
    ['the student file changes', '# a\n', '# b\n', false],
    ['the same student file', '# a\n', '# a\n', true],
  ])('its config id covers the student file: %s', (_, a, b, same) => {
    const idA = configIdOf(renderLabCfg(template, loaded.lab, options, a));
    const idB = configIdOf(renderLabCfg(template, loaded.lab, options, b));
    expect(idA).toMatch(/^[0-9a-f]{16}$/);
    expect(idA === idB).toBe(same);
  });

  it('refuses a template with a placeholder it does not know', () => {
    expect(() => renderLabCfg('@NOPE@\n', loaded.lab, options, '')).toThrow(/unknown placeholder @NOPE@/);
  });
});

describe('compose in student mode', () => {
  it('runs HAProxy with -f 00-lab.cfg -f haproxy.cfg and the master CLI on loopback', () => {
    const model = composeModel({ lab: loaded.lab, options, workspace: '/tmp/ws' }) as {
      services: { haproxy: { command?: string[] } };
    };
    expect(model.services.haproxy.command).toEqual(studentHaproxyCommand());
    expect(studentHaproxyCommand().join(' ')).toBe(
      'haproxy -W -db -S 127.0.0.1:9998 -f /usr/local/etc/haproxy/00-lab.cfg -f /usr/local/etc/haproxy/haproxy.cfg',
    );
  });

  it('generated mode keeps the image command', () => {
    const lab03 = readLab(join(LABS_DIR, '03-load-balancing', 'lab.yaml')).lab!.lab;
    const model = composeModel({ lab: lab03, options: resolveOptions(lab03).options, workspace: '/tmp/ws' }) as {
      services: { haproxy: { command?: string[] } };
    };
    expect(model.services.haproxy.command).toBeUndefined();
  });
});
