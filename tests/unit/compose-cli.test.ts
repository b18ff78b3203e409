import { describe, expect, it } from 'vitest';
import { cliRefusedCompose, composeError, composePluginPaths, parseComposeVersion } from '../../src/docker/compose.ts';

/** The compose module's readings of what the compose CLI printed. */
describe('cliRefusedCompose: the docker CLI refused the call (no Compose v2 to run), as opposed to Compose failing in it', () => {
  const cases: [
    what: string,
    spawnError: string | undefined,
    exitCode: number | undefined,
    stderr: string,
    expected: boolean,
  ][] = [
    [
      'docker CLI 28 without the plugin, with flags',
      undefined,
      125,
      "unknown flag: --project-name\nSee 'docker --help'.",
      true,
    ],
    ['a short flag', undefined, 125, "unknown shorthand flag: 'f' in -f\nSee 'docker --help'.", true],
    [
      'docker CLI 28 without the plugin, no flags',
      undefined,
      1,
      "docker: unknown command: docker compose\n\nRun 'docker --help' for more information",
      true,
    ],
    ['older CLIs', undefined, 1, "docker: 'compose' is not a docker command.\nSee 'docker --help'", true],
    ['no docker CLI at all', 'ENOENT', undefined, '', true],
    [
      'compose ran and failed',
      undefined,
      1,
      'Error response from daemon: driver failed programming external connectivity',
      false,
    ],
    ['a service named compose in an error', undefined, 1, 'service "compose" refers to undefined network', false],
  ];
  it.each(cases)('%s', (_what, spawnError, exitCode, stderr, expected) => {
    expect(cliRefusedCompose(spawnError, exitCode, stderr)).toBe(expected);
  });
});

describe('composePluginPaths: where the docker CLI looks for the plugin, in its order', () => {
  const system = ['/usr/local/lib', '/usr/local/libexec', '/usr/lib', '/usr/libexec'].map(
    (d) => `${d}/docker/cli-plugins/docker-compose`,
  );
  it.each([
    ['no config', undefined, ['/home/s/.docker/cli-plugins/docker-compose', ...system]],
    [
      'cliPluginsExtraDirs first',
      '{"cliPluginsExtraDirs":["/opt/plugins",3]}',
      ['/opt/plugins/docker-compose', '/home/s/.docker/cli-plugins/docker-compose', ...system],
    ],
    ['a config that is not JSON', '{', ['/home/s/.docker/cli-plugins/docker-compose', ...system]],
    ['a config holding null', 'null', ['/home/s/.docker/cli-plugins/docker-compose', ...system]],
  ] as const)('%s', (_what, configJson, expected) => {
    expect(composePluginPaths('/home/s/.docker', configJson)).toEqual(expected);
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
    [
      'Error response from daemon: Bind for 127.0.0.1:8080 failed: port is already allocated',
      /port lab needs is already in use: 127\.0\.0\.1:8080/,
    ],
    ['pull access denied for lab/whoami, repository does not exist', /could not be pulled/],
    ['Error: something else broke', /docker compose up failed \(exit 1\)/],
  ])('%s', (stderr, message) => {
    expect(composeError('up', stderr, 1).message).toMatch(message);
  });
});
