import { UsageError } from '../errors.ts';

/** One Docker engine of a room, as a hosts file names it. */
export interface HostEntry {
  /** Short name for tables, e.g. pc01; the address itself when the line gives none. */
  name: string;
  /** unix://, tcp:// or ssh:// address, handed to the command as --host. */
  host: string;
  line: number;
}

const ADDRESS = /^(unix|tcp|ssh):\/\/\S+$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * Parse a hosts file: one engine per line, an optional name first (`pc01 ssh://student@pc01`),
 * `#` starting a comment, blank lines ignored. Every bad line is reported at once, as
 * file:line, so an instructor fixes the file in one go. Pure.
 */
export function parseHostsFile(text: string, file: string): HostEntry[] {
  const hosts: HostEntry[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = i + 1;
    const words = raw.replace(/#.*$/, '').trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    const bad = (why: string) => problems.push(`${file}:${line}: ${why}`);
    if (words.length > 2) {
      bad(`expected "[name] address", got ${words.length} words: ${raw.trim()}`);
      continue;
    }
    const address = words[words.length - 1]!;
    const name = words.length === 2 ? words[0]! : address;
    if (!ADDRESS.test(address) || !URL.canParse(address)) {
      bad(`"${address}" is not a unix://, tcp:// or ssh:// address`);
      continue;
    }
    if (words.length === 2 && !NAME.test(name)) {
      bad(`"${name}" is not a host name (letters, digits, . _ -)`);
      continue;
    }
    const first = seen.get(name);
    if (first !== undefined) {
      bad(`"${name}" is already on line ${first}`);
      continue;
    }
    seen.set(name, line);
    hosts.push({ name, host: address, line });
  }
  if (problems.length) {
    throw new UsageError(`${problems.length} bad line${problems.length === 1 ? '' : 's'} in hosts file ${file}`, {
      details: problems,
      hint: 'Each line: an optional name, then a Docker host, e.g.  pc01 ssh://student@pc01',
    });
  }
  if (hosts.length === 0) {
    throw new UsageError(`Hosts file ${file} lists no hosts`, {
      hint: 'Add one Docker host per line, e.g.  pc01 ssh://student@pc01',
    });
  }
  return hosts;
}

/**
 * A directory name for one engine's state (workspaces, locks) in a fleet run: hosts run at
 * once and often share a project name, so each needs its own locks and workspace files. Pure.
 */
export const hostSlug = (host: string): string =>
  host
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[^A-Za-z0-9.-]+/g, '_')
    .replace(/^[._]+|_+$/g, '') || 'host';
