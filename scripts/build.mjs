/**
 * `npm run build`: bundle the CLI into dist/ with esbuild, after `tsc --noEmit` has type-checked
 * it. Why a bundle: Node loads an ES module graph file by file (resolve, read, compile, link), and
 * lab's modules plus commander, chalk, yaml and zod are some 250 files, which cost `lab list` more
 * than Node's own start (see docs/performance.md). One chunk per command: `--splitting` keeps
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
/**
 * Two modules of dockerode's that lab never runs load the costliest dependencies at start-up:
 * docker-modem's ssh transport loads ssh2 (lab speaks HTTP over its own SSH agent, see
 * src/docker/endpoint.ts) and dockerode's BuildKit session loads gRPC and protobuf (lab builds
 * through Compose). Together some 0.2 s of CPU at every engine command (docs/performance.md).
 * Each becomes a function that loads the real module, from the installed package, on first call.
 */
const LAZY = { 'docker-modem/lib': { './ssh': 'docker-modem/lib/ssh.js' }, 'dockerode/lib': { './session': 'dockerode/lib/session.js' } };
const lazyRequire = {
  name: 'lazy-require',
  setup(b) {
    b.onResolve({ filter: /^\.\/(ssh|session)$/ }, (args) => {
      const [, real] = Object.entries(LAZY).find(([dir]) => args.importer.includes(`/node_modules/${dir}/`)) ?? [];
      return real?.[args.path] ? { path: real[args.path], namespace: 'lazy' } : undefined;
    });
    b.onResolve({ filter: /^(docker-modem\/lib\/ssh|dockerode\/lib\/session)\.js$/ }, (args) => (args.namespace === 'lazy' ? { path: args.path, external: true } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({ contents: `module.exports = function () { return require(${JSON.stringify(args.path)}).apply(this, arguments); };`, loader: 'js' }));
  },
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
  // dockerode is bundled (Node would read some 150 files of it at every engine command), ssh2
  // stays a package: it loads optional native addons by path.
  external: ['ssh2'],
  plugins: [lazyRequire],
  // CommonJS dependencies call require() for Node's built-ins, which an ES module lacks: every
  // chunk gets one (https://github.com/evanw/esbuild/issues/1921).
  banner: { js: "import { createRequire as __labCreateRequire } from 'node:module';\nconst require = __labCreateRequire(import.meta.url);" },
  define: { __LAB_BUILD_ID__: JSON.stringify(buildId()) },
  logLevel: 'warning',
});
