#!/usr/bin/env node
import { readFileSync } from 'node:fs';

// `lab --version` is what scripts and doctors run most: answer it before loading commander,
// chalk and the command registry (about a third of the start-up time).
// docker-modem builds an invalid URL for ssh:// engines (apocas/docker-modem lib/ssh.js), which
// Node 20 reports as DEP0170 on every call. Users can't act on it: drop exactly that warning.
const [printWarning] = process.listeners('warning');
if (printWarning) {
  process.removeListener('warning', printWarning);
  process.on('warning', (w: Error & { code?: string }) => w.code === 'DEP0170' || printWarning(w));
}

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(
    `${(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version}\n`,
  );
} else {
  await import('./main.ts');
}
