import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * A hash of every file in a build context (names and contents). The app image carries it as
 * a label, so `lab up` can tell a current image from a stale one and skip the build.
 * Build contexts of labs are a handful of small files; reading them costs well under 1 ms.
 */
export function hashBuildContext(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile())
        hash
          .update(`${relative(dir, path)}\0`)
          .update(readFileSync(path))
          .update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex').slice(0, 16);
}

/** hashBuildContext, each folder hashed once for the life of the returned function (labs' services often share a context). */
export function hashOnce(): (dir: string) => string {
  const hashes = new Map<string, string>();
  return (dir) => hashes.get(dir) ?? hashes.set(dir, hashBuildContext(dir)).get(dir)!;
}
