/**
 * `npm run build`: bundle the CLI into dist/ with esbuild, after `tsc --noEmit` has type-checked
 * it. Why a bundle: Node loads an ES module graph file by file (resolve, read, compile, link), and
 * lab's modules plus commander, chalk, yaml and zod are some 250 files, which cost `lab list` more
 * than Node's own start (see README, Performance). One chunk per command: `--splitting` keeps
 * program.ts's dynamic imports, so `lab list` still loads no Docker or HTTP code.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url).pathname;
const outdir = join(root, 'dist');
/**
 * The build's id: a hash of every source file and of the dependencies' versions. src/config/lab-cache.ts
 * keys its entries by it, so a build that parses or validates lab files differently never reads
 * what another build cached.
 */
const buildId = () => {
  const hash = createHash('sha256');
  const files = readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  for (const path of [...files.map((e) => join(e.parentPath, e.name)).sort(), join(root, 'package.json'), join(root, 'package-lock.json')]) {
    hash.update(`${path.slice(root.length)}\0`).update(readFileSync(path)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
};
// Chunk names carry a hash of their code: remove the previous build's chunks.
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // dockerode and ssh2 stay packages: ssh2 loads optional native addons by path.
  external: ['dockerode', 'ssh2'],
  // CommonJS dependencies call require() for Node's built-ins, which an ES module lacks: every
  // chunk gets one (https://github.com/evanw/esbuild/issues/1921).
  banner: { js: "import { createRequire as __labCreateRequire } from 'node:module';\nconst require = __labCreateRequire(import.meta.url);" },
  define: { __LAB_BUILD_ID__: JSON.stringify(buildId()) },
  logLevel: 'warning',
});
