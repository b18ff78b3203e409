/**
 * The decisions of `npm run setup` (.ci/setup.sh), simulated: the script runs from a copy of
 * .ci/ beside fakes of docker, npm, id, lab (dist/index.js) and provision-engine.sh that log what
 * they are asked and answer as each scenario says. Nothing touches the machine's engine.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/lab03.ts';
import { tmpDir, writeTree } from '../helpers/tmp.ts';

interface World {
  engine: 'up' | 'down';
  compose?: boolean;
  /** What `lab prepare` (every lab) meets: images pulled, no registry, or another failure (exit 4). */
  registry: 'reachable' | 'unreachable' | 'broken';
  localImages?: boolean;
  root?: boolean;
  /** node_modules installed after package-lock.json was last changed. */
  installed?: boolean;
  /** An images.conf there before: one setup wrote, or the user's own. */
  imagesFile?: 'setup' | 'user';
  env?: Record<string, string>;
}

const MARKER = '# Written by npm run setup (.ci/setup.sh), which rewrites or removes it when run again.';
const log = (what: string) => `echo "${what}" >> "$SIM/actions"`;
const FAKES: Record<string, string> = {
  'bin/docker': `#!/bin/bash
state() { [ "$(cat "$SIM/$1" 2>/dev/null)" = yes ]; }
case "$1 $2" in
  "info "*) state engine ;;
  "compose version") state engine && state compose ;;
  "image inspect") state local-images ;;
  *) echo "fake docker: unexpected $*" >&2; exit 99 ;;
esac`,
  'bin/npm': `#!/bin/bash
case "$1" in
  ci) ${log('npm ci')} ;;
  run) ${log('build')} ;;
  link) ${log('npm link')} ;;
  prefix) echo "$SIM/prefix" ;;
  *) echo "fake npm: unexpected $*" >&2; exit 99 ;;
esac`,
  'bin/id': `#!/bin/bash
[ "$1" = -u ] && cat "$SIM/uid"`,
  'repo/.ci/provision-engine.sh': `${log('provision')}
echo yes > "$SIM/engine"; echo yes > "$SIM/compose"; echo yes > "$SIM/local-images"`,
  'repo/dist/index.js': `const { appendFileSync, readFileSync } = require('node:fs');
const sim = process.env.SIM, [cmd] = process.argv.slice(2);
appendFileSync(sim + '/actions', 'lab ' + process.argv.slice(2).join(' ') + '\\n');
const registry = readFileSync(sim + '/registry', 'utf8').trim();
if (cmd === 'prepare' && registry === 'unreachable') { console.error('✖ haproxy:3.0 (load balancer)\\nCould not pull haproxy:3.0: no such host'); process.exit(3); }
if (cmd === 'prepare' && registry === 'broken') { console.error('Building lab/whoami:1 failed'); process.exit(4); }
if (cmd === 'prepare') console.log('3 image(s) ready on unix:///var/run/docker.sock for 03-load-balancing');`,
};

async function simulate(w: World) {
  const sim = await tmpDir('lab-setup-sim-');
  const yes = (b: boolean | undefined) => (b ? 'yes\n' : 'no\n');
  await writeTree(sim, {
    ...FAKES,
    'repo/package-lock.json': '{}',
    ...(w.installed ? { 'repo/node_modules/.package-lock.json': '{}' } : {}),
    engine: yes(w.engine === 'up'),
    compose: yes(w.compose ?? true),
    'local-images': yes(w.localImages ?? true),
    registry: w.registry,
    uid: w.root === false ? '1000' : '0',
    actions: '',
    ...(w.imagesFile
      ? { 'home/images.conf': `${w.imagesFile === 'setup' ? MARKER : '# mine'}\nhaproxy:3.0=mine/haproxy:3.0\n` }
      : {}),
  });
  // Installed after the lockfile changed: newer by a minute.
  if (w.installed)
    utimesSync(join(sim, 'repo/node_modules/.package-lock.json'), new Date(), new Date(Date.now() + 60_000));
  copyFileSync(join(REPO_ROOT, '.ci', 'setup.sh'), join(sim, 'repo', '.ci', 'setup.sh'));
  spawnSync('chmod', ['+x', ...['docker', 'npm', 'id'].map((b) => join(sim, 'bin', b))]);
  const r = spawnSync('bash', [join(sim, 'repo', '.ci', 'setup.sh')], {
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      PATH: `${join(sim, 'bin')}:/usr/bin:/bin`,
      HOME: join(sim, 'nohome'),
      LAB_HOME: join(sim, 'home'),
      SIM: sim,
      ...w.env,
    },
  });
  const imagesFile = join(sim, 'home', 'images.conf');
  return {
    code: r.status,
    stderr: r.stderr,
    actions: readFileSync(join(sim, 'actions'), 'utf8').trim().split('\n').filter(Boolean),
    images: existsSync(imagesFile)
      ? readFileSync(imagesFile, 'utf8')
          .split('\n')
          .filter((l) => l && !l.startsWith('#'))
      : undefined,
    firstLine: existsSync(imagesFile) ? readFileSync(imagesFile, 'utf8').split('\n')[0] : undefined,
  };
}

const LOCAL = [
  'haproxy:3.0=lab-local/haproxy:3.0',
  'node:20-alpine=lab-local/node:20',
  'redis:7-alpine=lab-local/redis:8',
];
const UP = ['npm link', 'lab up 03'];

describe('npm run setup decides from what it finds', () => {
  it.each<{ name: string; world: World; code: number; actions: string[]; images?: string[]; says?: RegExp }>([
    {
      name: 'engine and registry: the real images, no file',
      world: { engine: 'up', registry: 'reachable' },
      code: 0,
      actions: ['npm ci', 'build', 'lab prepare', ...UP],
      says: /npm link put lab in \S+\/prefix\/bin, which is not first on your PATH/,
    },
    {
      name: 'dependencies already installed: no npm ci',
      world: { engine: 'up', registry: 'reachable', installed: true },
      code: 0,
      actions: ['build', 'lab prepare', ...UP],
    },
    {
      name: 'a registry again: the file setup wrote goes',
      world: { engine: 'up', registry: 'reachable', imagesFile: 'setup' },
      code: 0,
      actions: ['npm ci', 'build', 'lab prepare', ...UP],
    },
    {
      name: 'no registry, root: provision, then the local images',
      world: { engine: 'up', registry: 'unreachable' },
      code: 0,
      actions: ['npm ci', 'build', 'lab prepare', 'provision', ...UP],
      images: LOCAL,
    },
    {
      name: 'no registry, not root, local images present: use them',
      world: { engine: 'up', registry: 'unreachable', root: false },
      code: 0,
      actions: ['npm ci', 'build', 'lab prepare', ...UP],
      images: LOCAL,
    },
    {
      name: 'no registry, not root, no local images: say how to get them',
      world: { engine: 'up', registry: 'unreachable', root: false, localImages: false },
      code: 1,
      actions: ['npm ci', 'build', 'lab prepare'],
      says: /local images lab-local\/haproxy:3.0 lab-local\/node:20 lab-local\/redis:8 are missing\. As root on Debian 12, bash \.ci\/provision-engine\.sh/,
    },
    {
      name: 'no engine, root: provision once, then the local images',
      world: { engine: 'down', registry: 'unreachable', localImages: false },
      code: 0,
      actions: ['npm ci', 'build', 'provision', 'lab prepare', ...UP],
      images: LOCAL,
    },
    {
      name: 'no engine, root, a registry: provision, real images',
      world: { engine: 'down', registry: 'reachable', localImages: false },
      code: 0,
      actions: ['npm ci', 'build', 'provision', 'lab prepare', ...UP],
    },
    {
      name: 'no Compose v2, root: provision',
      world: { engine: 'up', compose: false, registry: 'reachable' },
      code: 0,
      actions: ['npm ci', 'build', 'provision', 'lab prepare', ...UP],
    },
    {
      name: 'no engine, not root: say what to install',
      world: { engine: 'down', registry: 'reachable', root: false },
      code: 1,
      actions: ['npm ci', 'build'],
      says: /no Docker engine answers\. Install Docker Engine with the Compose v2 plugin/,
    },
    {
      name: 'no registry but LAB_IMAGES set: the user chose, setup stops',
      world: { engine: 'up', registry: 'unreachable', env: { LAB_IMAGES: 'haproxy:3.0=m/h:3' } },
      code: 1,
      actions: ['npm ci', 'build', 'lab prepare'],
      says: /LAB_IMAGES is set/,
    },
    {
      name: 'no registry and a file of the user: kept, setup stops',
      world: { engine: 'up', registry: 'unreachable', imagesFile: 'user' },
      code: 1,
      actions: ['npm ci', 'build', 'lab prepare'],
      images: ['haproxy:3.0=mine/haproxy:3.0'],
      says: /yours: setup leaves it alone/,
    },
    {
      name: 'prepare fails otherwise: no fallback',
      world: { engine: 'up', registry: 'broken' },
      code: 1,
      actions: ['npm ci', 'build', 'lab prepare'],
      says: /Building lab\/whoami:1 failed[\s\S]*lab prepare failed \(exit 4\)/,
    },
  ])('$name', async ({ world, code, actions, images, says }) => {
    const r = await simulate(world);
    expect(r.code, r.stderr).toBe(code);
    expect(r.actions).toEqual(actions);
    expect(r.images).toEqual(images);
    if (images === LOCAL) expect(r.firstLine).toBe(MARKER);
    if (says) expect(r.stderr).toMatch(says);
  });
});
