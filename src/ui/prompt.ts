import { createInterface } from 'node:readline/promises';

/** Ask a y/N question on the terminal; anything but y or yes is no. Ctrl-C (the signal) is no. */
export async function askYesNo(question: string, signal: AbortSignal): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `, { signal });
    return /^y(es)?$/i.test(answer.trim());
  } catch {
    return false;
  } finally {
    rl.close();
  }
}

/** Both ends a person would use are terminals: lab may ask instead of requiring --yes. */
export const canAsk = (stderr: { isTTY?: boolean }): boolean => Boolean(process.stdin.isTTY && stderr.isTTY);

/** Ask until the answer is one of `choices` (case ignored); undefined on Ctrl-C or end of input. */
export async function askChoice(
  question: string,
  choices: readonly string[],
  signal: AbortSignal,
): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    for (;;) {
      const answer = (await rl.question(`${question} [${choices.join('/')}] `, { signal })).trim().toLowerCase();
      if (choices.includes(answer)) return answer;
      process.stderr.write(`Please answer one of: ${choices.join(', ')}\n`);
    }
  } catch {
    return undefined;
  } finally {
    rl.close();
  }
}
