import { describe, expect, it } from 'vitest';
import { usesDefaultContext } from '../../src/docker/endpoint.ts';

/** When lab may skip asking the docker CLI for its current context: only when the CLI's own inputs say "default". */
describe('usesDefaultContext', () => {
  const cases: [what: string, dockerContext: string | undefined, configJson: string | undefined, expected: boolean][] =
    [
      ['no DOCKER_CONTEXT, no config file', undefined, undefined, true],
      ['a config without currentContext', undefined, '{"auths":{}}', true],
      ['currentContext "default"', undefined, '{"currentContext":"default"}', true],
      ['currentContext empty', undefined, '{"currentContext":""}', true],
      ['currentContext set (Docker Desktop, rootless)', undefined, '{"currentContext":"desktop-linux"}', false],
      ['DOCKER_CONTEXT wins over the file', 'remote', '{"currentContext":"default"}', false],
      ['DOCKER_CONTEXT=default wins over the file', 'default', '{"currentContext":"remote"}', true],
      ['an empty DOCKER_CONTEXT is unset', '', '{"currentContext":"remote"}', false],
      ['a config file that is not JSON: ask the CLI', undefined, '{"currentContext":', false],
      ['a config file lab could not read: ask the CLI', undefined, '(unreadable)', false],
      ['a config file holding null', undefined, 'null', true],
    ];
  it.each(cases)('%s', (_what, dockerContext, configJson, expected) => {
    expect(usesDefaultContext(dockerContext, configJson)).toBe(expected);
  });
});
