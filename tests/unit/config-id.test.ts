import { describe, expect, it } from 'vitest';
import { configIdOf, parseServedId, stampConfigId } from '../../src/core/config-id.ts';
import { resolveOptions, type RenderFlags } from '../../src/core/options.ts';
import { renderHaproxyCfg } from '../../src/core/render-haproxy.ts';
import { lab03 } from '../helpers/lab03.ts';

const lab = lab03();
const idOf = (flags: RenderFlags) => configIdOf(renderHaproxyCfg(lab, resolveOptions(lab, flags).options));

describe('the config id HAProxy serves back', () => {
  it('is declared in every rendered haproxy.cfg, 16 hex digits', () => {
    expect(idOf({})).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each<[string, RenderFlags]>([
    ['another algorithm', { algorithm: 'static-rr' }],
    ['another mode', { mode: 'tcp' }],
    ['stickiness', { sticky: true }],
    ['more server slots', { replicas: '42' }],
    ['another project', { project: 'other' }],
  ])('changes with %s', (_, flags) => {
    expect(idOf(flags)).not.toBe(idOf({}));
  });

  it('stays for a replica count within the same slots (no reload for a scale)', () => {
    expect(idOf({ replicas: '5' })).toBe(idOf({ replicas: '3' }));
  });

  it('does not depend on the stats credentials, so it reveals nothing about the password', () => {
    expect(idOf({ statsPassword: 'correct-horse' })).toBe(idOf({ statsPassword: 'admin' }));
    expect(idOf({ statsUser: 'teacher' })).toBe(idOf({}));
  });

  it('is pure: the same text, the same id', () => {
    const text =
      'a\n    http-request return status 200 content-type text/plain string @LAB_CONFIG_ID@ if { path /lab/config-id }\n';
    expect(stampConfigId(text)).toBe(stampConfigId(text));
    expect(configIdOf(stampConfigId(text))).toMatch(/^[0-9a-f]{16}$/);
    expect(configIdOf('global\n')).toBeUndefined();
  });

  it.each<[number, string, string | undefined]>([
    [200, '48b6306d4d1841a1', '48b6306d4d1841a1'],
    [200, '48b6306d4d1841a1\n', '48b6306d4d1841a1'],
    [401, '<html><body><h1>401 Unauthorized</h1>', undefined],
    [200, '<html><head><title>Statistics Report', undefined],
    [503, '', undefined],
  ])('what HAProxy answered: HTTP %i %j is id %j', (status, body, id) => {
    expect(parseServedId(status, body)).toBe(id);
  });
});
