#!/usr/bin/env node
import { readFileSync } from 'node:fs';

// `lab --version` is what scripts and doctors run most: answer it before loading commander,
// chalk and the command registry (about a third of the start-up time).
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version}\n`);
} else {
  await import('./main.ts');
}
