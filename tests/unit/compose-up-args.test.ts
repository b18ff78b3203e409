import { describe, expect, it } from 'vitest';
import { type ComposeUp, composeUpArgs } from '../../src/core/compose-up-args.ts';

describe('composeUpArgs: the one docker compose up of lab up and lab scale', () => {
  const _ = (name: string, o: ComposeUp, args: string[]) => ({ name, o, args });
  it.each([
    _('up, image pulled', { pull: 'missing', keepRunning: false, removeOrphans: true }, [
      'up',
      '--detach',
      '--remove-orphans',
      '--pull',
      'missing',
    ]),
    _(
      'up --pull never, app built and unchanged',
      { pull: 'never', build: '--no-build', keepRunning: false, removeOrphans: true },
      ['up', '--detach', '--remove-orphans', '--pull', 'never', '--no-build'],
    ),
    _('up --pull always, app changed', { pull: 'always', build: '--build', keepRunning: false, removeOrphans: true }, [
      'up',
      '--detach',
      '--remove-orphans',
      '--pull',
      'always',
      '--build',
    ]),
    _('scale: HAProxy keeps running', { pull: 'never', keepRunning: true, removeOrphans: false }, [
      'up',
      '--detach',
      '--no-recreate',
      '--pull',
      'never',
    ]),
    _('scale of a built app', { pull: 'never', build: '--no-build', keepRunning: true, removeOrphans: false }, [
      'up',
      '--detach',
      '--no-recreate',
      '--pull',
      'never',
      '--no-build',
    ]),
    _(
      'scale on a remote engine whose HAProxy needs more slots',
      { pull: 'never', keepRunning: false, removeOrphans: false },
      ['up', '--detach', '--pull', 'never'],
    ),
  ])('$name', ({ o, args }) => {
    expect(composeUpArgs(o)).toEqual(args);
  });
});
