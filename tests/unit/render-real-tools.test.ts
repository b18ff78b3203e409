/**
 * The rendered files are checked by the real tools, not by string matching: Debian's HAProxy
 * (`haproxy -c`), Compose v2 (`docker compose config -q`) and the HAProxy 3.0 image lab runs.
 * Under CI a missing tool fails the test; locally the tests are skipped, saying why.
 */
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, type TestContext } from 'vitest';
import { ALGORITHMS, LEAST_TIME_ALIASES, MODES } from '../../src/core/lab-schema.ts';
import { resolveOptions, type RenderFlags } from '../../src/core/options.ts';
import { renderCompose } from '../../src/core/render-compose.ts';
import { renderHaproxyCfg } from '../../src/core/render-haproxy.ts';
import { HAPROXY_ENV_FILE, renderHaproxyEnv, STATS_AUTH_ENV } from '../../src/core/render-secrets.ts';
import { UsageError } from '../../src/core/errors.ts';
import { lab03, WHOAMI_CONTEXT } from '../helpers/lab03.ts';
import { tmpDir } from '../helpers/tmp.ts';

const CI = Boolean(process.env.CI) && !/^(0|false)$/i.test(process.env.CI ?? '');
const HAPROXY = '/usr/sbin/haproxy';
const HAPROXY_IMAGE = 'lab-local/haproxy:3.0';
/** Tool processes running at once, over all concurrent tests of this file. */
const CONCURRENCY = 4;

interface Tool {
  ok: boolean;
  /** Why the tool is not usable, for the skip notice or the CI failure. */
  reason: string;
}

async function probe(file: string, args: string[], missing: string): Promise<Tool> {
  const r = await execa(file, args, { reject: false, timeout: 15_000 });
  return r.exitCode === 0
    ? { ok: true, reason: '' }
    : { ok: false, reason: `${missing} (${file} ${args.join(' ')}: ${r.shortMessage ?? r.stderr})` };
}

const haproxy: Tool = existsSync(HAPROXY)
  ? await probe(HAPROXY, ['-v'], `${HAPROXY} does not run`)
  : { ok: false, reason: `${HAPROXY} not found (apt-get install haproxy)` };
const compose = await probe('docker', ['compose', 'version'], 'Docker Compose v2 is not installed');
const image = compose.ok
  ? await probe(
      'docker',
      ['image', 'inspect', '--format', '{{.Id}}', HAPROXY_IMAGE],
      `image ${HAPROXY_IMAGE} is missing (run .ci/provision-engine.sh)`,
    )
  : { ok: false, reason: compose.reason };

/** Skip locally when a tool is missing; under CI, run anyway so the test fails. */
const skip = (...tools: Tool[]): boolean => !CI && tools.some((t) => !t.ok);
const title = (name: string, ...tools: Tool[]): string => {
  const missing = tools.filter((t) => !t.ok).map((t) => t.reason);
  return missing.length === 0 ? name : `${name} [${CI ? 'FAILS under CI' : 'skipped'}: ${missing.join('; ')}]`;
};
function requireTools(...tools: Tool[]): void {
  const missing = tools.filter((t) => !t.ok).map((t) => t.reason);
  if (missing.length > 0) throw new Error(`required tool missing (CI=${process.env.CI}): ${missing.join('; ')}`);
}

/** A counting semaphore, so at most CONCURRENCY tool processes run at a time. */
let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= CONCURRENCY) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const run = (file: string, args: string[], env: Record<string, string> = {}) =>
  limited(() => execa(file, args, { reject: false, timeout: 30_000, all: true, env }));

const lab = lab03();

/** Render lab 03 with these flags the way a workspace holds it: compose.yaml, haproxy.env and haproxy/haproxy.cfg. */
async function renderTo(ctx: TestContext, flags: RenderFlags): Promise<string> {
  const dir = await tmpDir('lab-real-tools-', ctx.onTestFinished);
  const { options } = resolveOptions(lab, flags);
  await mkdir(join(dir, 'haproxy'));
  await writeFile(join(dir, 'haproxy', 'haproxy.cfg'), renderHaproxyCfg(lab, options));
  // The stats credentials, as compose hands them to HAProxy's environment.
  await writeFile(join(dir, HAPROXY_ENV_FILE), renderHaproxyEnv(options), { mode: 0o600 });
  // The real build context: `compose config` checks that it exists.
  await writeFile(
    join(dir, 'compose.yaml'),
    renderCompose({ lab, options, workspace: dir, builds: { app: { context: WHOAMI_CONTEXT } } }),
  );
  return dir;
}

const WARNING = /\[WARNING\]/;
/**
 * The servers' state file does not exist until lab's first reload writes it. HAProxy 3.0, which
 * lab runs, says so as a [NOTICE]; the host's HAProxy 2.6 this test may use says [WARNING].
 */
const BEFORE_FIRST_RELOAD = /Can't open global server state file '\/tmp\/lab-server-state': No such file/;

/** Exit 0 and no [WARNING] lines, with the tool's output in the failure message. */
function expectClean(ctx: TestContext, what: string, r: { exitCode?: number; all?: string; stderr?: string }): void {
  const output = r.all ?? r.stderr ?? '';
  ctx.expect(r.exitCode, `${what} exited ${r.exitCode}:\n${output}`).toBe(0);
  const warnings = output.split('\n').filter((l) => WARNING.test(l) && !BEFORE_FIRST_RELOAD.test(l));
  ctx.expect(warnings, `${what} warned:\n${warnings.join('\n')}`).toEqual([]);
}

interface Combo {
  name: string;
  flags: RenderFlags;
}
const algorithms = [...ALGORITHMS, LEAST_TIME_ALIASES[0]];
const combos = algorithms.flatMap((algorithm) =>
  MODES.flatMap((mode) =>
    [false, true].map(
      (sticky): Combo => ({
        name: `${algorithm} ${mode}${sticky ? ' sticky' : ''}`,
        flags: { algorithm, mode, sticky },
      }),
    ),
  ),
);
const accepted = combos.filter((c) => !(c.flags.sticky && c.flags.mode === 'tcp'));
const rejected = combos.filter((c) => c.flags.sticky && c.flags.mode === 'tcp');

describe('option combinations', () => {
  it('covers every algorithm × mode × sticky', () => {
    expect(combos).toHaveLength(algorithms.length * MODES.length * 2);
    expect(accepted).toHaveLength(algorithms.length * MODES.length + algorithms.length);
  });

  it.each(rejected)('$name is rejected: sticky needs http mode', ({ flags }) => {
    expect(() => resolveOptions(lab, flags)).toThrow(UsageError);
    expect(() => resolveOptions(lab, flags)).toThrow(/--sticky .*--mode http/);
  });
});

describe.concurrent('rendered files pass the real tools', () => {
  it.skipIf(skip(haproxy, compose)).for(accepted)(title('$name', haproxy, compose), async ({ flags }, ctx) => {
    requireTools(haproxy, compose);
    const dir = await renderTo(ctx, flags);
    const { options } = resolveOptions(lab, flags);
    const [cfg, config] = await Promise.all([
      run(HAPROXY, ['-c', '-f', join(dir, 'haproxy', 'haproxy.cfg')], {
        [STATS_AUTH_ENV]: `${options.statsUser}:${options.statsPassword}`,
      }),
      run('docker', ['compose', '-f', join(dir, 'compose.yaml'), 'config', '-q']),
    ]);
    expectClean(ctx, `haproxy -c (${HAPROXY})`, cfg);
    expectClean(ctx, 'docker compose config -q', config);
  });

  it.skipIf(skip(compose)).for([
    {
      name: '42 replicas, auto ports, exposed',
      flags: { replicas: '42', appPort: 'auto', statsPort: 'auto', expose: true },
    },
    {
      name: 'image overrides',
      flags: { image: ['haproxy:3.0=lab-local/haproxy:3.0', 'node:20-alpine=lab-local/node:20'] },
    },
  ])(title('docker compose config -q: $name', compose), async ({ flags }, ctx) => {
    requireTools(compose);
    const dir = await renderTo(ctx, flags);
    expectClean(
      ctx,
      'docker compose config -q',
      await run('docker', ['compose', '-f', join(dir, 'compose.yaml'), 'config', '-q']),
    );
  });

  it.skipIf(skip(compose)).for([{ name: 'a $ in the workspace path' }])(
    title('docker compose config reads back $name literally', compose),
    async (_c, ctx) => {
      requireTools(compose);
      const dir = await tmpDir('lab-real-tools-$HOME-', ctx.onTestFinished);
      const { options } = resolveOptions(lab);
      await writeFile(
        join(dir, 'compose.yaml'),
        renderCompose({ lab, options, workspace: dir, builds: { app: { context: WHOAMI_CONTEXT } } }),
      );
      await writeFile(join(dir, HAPROXY_ENV_FILE), renderHaproxyEnv(options));
      const r = await run('docker', ['compose', '-f', join(dir, 'compose.yaml'), 'config', '--format', 'json']);
      ctx.expect(r.exitCode, r.all).toBe(0);
      const model = JSON.parse(r.stdout) as { services: Record<string, { labels: Record<string, string> }> };
      // `config` writes its output as a compose file again, so a literal $ comes back as $$; an
      // unescaped $HOME would have come back interpolated (e.g. /root), a double-escaped one as $$$$.
      ctx.expect(model.services.app?.labels['lab.workspace']).toBe(dir.replaceAll('$', () => '$$'));
    },
  );

  // --user 99: the official haproxy image runs HAProxy as uid 99, not as the owner of the
  // bind-mounted files (the local image runs as root and would read anything).
  it.skipIf(skip(image)).for([
    { name: 'defaults', flags: {} },
    { name: 'tcp mode', flags: { mode: 'tcp' } },
    { name: 'exposed, without stats admin', flags: { expose: true } },
  ])(
    title(`haproxy -c inside ${HAPROXY_IMAGE} as uid 99, credentials from the env file: $name`, image),
    async ({ flags }, ctx) => {
      requireTools(image);
      const dir = await renderTo(ctx, flags);
      // The resolv.conf Docker writes into a container on a lab's network (its embedded DNS), which
      // HAProxy reads (parse-resolv-conf); --network none would copy the host's instead.
      await writeFile(join(dir, 'resolv.conf'), 'nameserver 127.0.0.11\noptions ndots:0\n');
      const r = await run('docker', [
        'run',
        '--rm',
        '--network',
        'none',
        '--user',
        '99:99',
        '--env-file',
        join(dir, HAPROXY_ENV_FILE),
        '-v',
        `${join(dir, 'resolv.conf')}:/etc/resolv.conf:ro`,
        '-v',
        `${join(dir, 'haproxy')}:/usr/local/etc/haproxy:ro`,
        HAPROXY_IMAGE,
        'haproxy',
        '-c',
        '-f',
        '/usr/local/etc/haproxy/haproxy.cfg',
      ]);
      expectClean(ctx, `haproxy -c in ${HAPROXY_IMAGE}`, r);
    },
  );

  // The control: uid 99 really cannot read a config private to its owner, which is why the
  // password lives in the env file (compose reads it on the client side) and not in haproxy.cfg.
  it.skipIf(skip(image))(
    title(`a haproxy.cfg written 0600 is unreadable for uid 99 in ${HAPROXY_IMAGE}`, image),
    async (ctx) => {
      requireTools(image);
      const dir = await renderTo(ctx, {});
      await chmod(join(dir, 'haproxy', 'haproxy.cfg'), 0o600);
      await chown(join(dir, 'haproxy', 'haproxy.cfg'), 4242, 4242);
      const r = await run('docker', [
        'run',
        '--rm',
        '--network',
        'none',
        '--user',
        '99:99',
        '-v',
        `${join(dir, 'haproxy')}:/usr/local/etc/haproxy:ro`,
        HAPROXY_IMAGE,
        'haproxy',
        '-c',
        '-f',
        '/usr/local/etc/haproxy/haproxy.cfg',
      ]);
      ctx.expect(r.exitCode, r.all).not.toBe(0);
      ctx.expect(r.all).toMatch(/open configuration file .*Permission denied/i);
    },
  );
});
