import type { Context } from '../../src/cli/context.ts';
import { plainColors } from '../../src/ui/colors.ts';
import { Output } from '../../src/ui/output.ts';

/** A stream that keeps what a command wrote, for the test to read. */
export interface Captured {
  text: string;
  write(s: string): void;
}

const capture = (): Captured => {
  const c: Captured = { text: '', write: (s: string) => void (c.text += s) };
  return c;
};

/**
 * A Context for running a command in-process: its stdout and stderr captured, no colours, no
 * terminal, an environment of the test's choosing (no LAB_HOME of the machine's) and a signal
 * the test may abort.
 */
export function fakeContext(json = false, over: Partial<Omit<Context, 'out'>> = {}) {
  const stdout = capture();
  const stderr = capture();
  const abort = new AbortController();
  const ctx: Context = {
    out: new Output(stdout, stderr, plainColors, json),
    env: {},
    cwd: '/',
    signal: abort.signal,
    ...over,
  };
  return { ctx, stdout, stderr, abort };
}
