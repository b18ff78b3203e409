import { describe, expect, it } from 'vitest';
import { composeError, composeMissing, parseComposeVersion } from '../../src/docker/compose.ts';

/** The compose module's readings of what the compose CLI printed. */
describe('composeMissing: no Compose v2 to run, as opposed to Compose failing', () => {
  const cases: [what: string, spawnError: string | undefined, stderr: string, expected: boolean][] = [
    ['docker CLI without the plugin', undefined, "docker: 'compose' is not a docker command.\nSee 'docker --help'", true],
    ['newer CLI wording', undefined, 'unknown command "compose" for "docker"', true],
    ['no docker CLI at all', 'ENOENT', '', true],
    ['compose ran and failed', undefined, 'Error response from daemon: driver failed programming external connectivity', false],
    ['a service named compose in an error', undefined, 'service "compose" refers to undefined network', false],
  ];
  it.each(cases)('%s', (_what, spawnError, stderr, expected) => {
    expect(composeMissing(spawnError, stderr)).toBe(expected);
  });
});

describe('parseComposeVersion', () => {
  it.each([
    ['2.26.1', '2.26.1'],
    ['v2.40.0\n', '2.40.0'],
    ['5.0.0', '5.0.0'],
  ])('%j', (text, version) => {
    expect(parseComposeVersion(text).version).toBe(version);
  });
  it('refuses v1 and text without a version', () => {
    expect(() => parseComposeVersion('1.29.2')).toThrow(/too old/);
    expect(() => parseComposeVersion('dev')).toThrow(/Could not read/);
  });
});

describe('composeError', () => {
  it.each([
    ['Error response from daemon: Bind for 127.0.0.1:8080 failed: port is already allocated', /port lab needs is already in use: 127\.0\.0\.1:8080/],
    ['pull access denied for lab/whoami, repository does not exist', /could not be pulled/],
    ['Error: something else broke', /docker compose up failed \(exit 1\)/],
  ])('%s', (stderr, message) => {
    expect(composeError('up', stderr, 1).message).toMatch(message);
  });
});
