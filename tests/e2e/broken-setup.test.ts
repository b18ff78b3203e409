/**
 * The classic student mistake, on the real engine: `server app app:8000` instead of
 * `server-template` with 3 replicas running. HAProxy knows one address, so one replica takes
 * every request; `lab check` must FAIL the distribution check and say why in words a student
 * can act on.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AUTO_PORTS,
  cleanupLab,
  describeRun,
  docker,
  expectExit,
  parseJson,
  poll,
  requireDocker,
  runLab,
  serviceContainers,
  skipNote,
  uniqueProject,
} from './helpers.ts';

const engine = requireDocker();

interface CheckJson {
  outcome: string;
  passed: number;
  failed: number;
  checks: {
    name: string;
    kind: string;
    verdict: 'PASS' | 'FAIL';
    reason: string;
    data?: { rows?: { name: string; requests: number; share: number; state: string }[] };
  }[];
}

interface StatusJson {
  servers: { server: string; status: string }[];
}

const TEMPLATE_LINE = /^ {4}server-template app 1-10 app:8000$/m;
const DEFAULT_SERVER_LINE = /^ {4}default-server .*$/m;

interface Variant {
  title: string;
  server: string;
  /** Replacement of the default-server line, when the variant changes it. */
  defaultServer?: string;
}

const VARIANTS: Variant[] = [
  {
    // HAProxy re-resolves the name through Docker's DNS, but a plain server line holds one address.
    title: 'server app app:8000 with resolvers docker',
    server: '    server app app:8000 check resolvers docker init-addr libc,none',
  },
  {
    // No resolvers at all: the name is resolved once, by libc, when HAProxy (re)loads.
    title: 'server app app:8000 resolved by libc at start-up only',
    server: '    server app app:8000 check init-addr libc',
    defaultServer: '    default-server check inter 1s fall 2 rise 2',
  },
];

describe.skipIf(!engine.ok).sequential(`a broken setup fails the distribution check${skipNote(engine)}`, () => {
  for (const v of VARIANTS) {
    it(`${v.title}: lab check exits 1 and says what is wrong`, async () => {
      const p = uniqueProject();
      cleanupLab('03', p);
      const up = parseJson<{ workspace: string }>(
        expectExit(await runLab(['up', '03', '--replicas', '3', '--project', p, ...AUTO_PORTS, '--json']), 0),
      );

      // Break haproxy.cfg the way a student would, in the workspace HAProxy reads it from.
      const cfgFile = join(up.workspace, 'haproxy', 'haproxy.cfg');
      const cfg = readFileSync(cfgFile, 'utf8');
      expect(cfg).toMatch(TEMPLATE_LINE);
      let broken = cfg.replace(TEMPLATE_LINE, v.server);
      if (v.defaultServer) broken = broken.replace(DEFAULT_SERVER_LINE, v.defaultServer);
      expect(broken).not.toMatch(/^\s*server-template /m);
      writeFileSync(cfgFile, broken);

      // Reload: SIGUSR2 to HAProxy's master process; then wait until the new config is live.
      const [haproxy] = await serviceContainers(p, 'haproxy', true);
      expect(haproxy).toBeDefined();
      const kill = await docker(['kill', '-s', 'USR2', haproxy!]);
      expect(kill.exitCode, kill.stderr).toBe(0);
      const status = () =>
        runLab(['status', '03', '--project', p, '--json']).then((r) => parseJson<StatusJson>(expectExit(r, 0)));
      const s = await poll(
        status,
        (x) => x.servers.length === 1 && x.servers[0]!.server === 'app' && x.servers[0]!.status.startsWith('UP'),
        15_000,
      );
      expect(s.servers, 'HAProxy did not load the broken config').toEqual([expect.objectContaining({ server: 'app' })]);
      expect(s.servers[0]!.status).toMatch(/^UP/);
      // 3 replicas still run: the mistake is in HAProxy's view, not in the containers.
      expect(await serviceContainers(p, 'app', true)).toHaveLength(3);

      const r = expectExit(await runLab(['check', '03', '--project', p, '--json']), 1);
      const j = parseJson<CheckJson>(r);
      expect(j.outcome, describeRun(r)).toBe('failure');
      const dist = j.checks.find((c) => c.kind === 'distribution');
      expect(dist, describeRun(r)).toBeDefined();
      console.log(`[broken setup: ${v.title}] distribution ${dist!.verdict}: ${dist!.reason}`);
      expect(dist!.verdict).toBe('FAIL');
      expect(dist!.reason).toMatch(/only one server/);
      expect(dist!.reason).toMatch(/3 replicas/);
      expect(dist!.reason).toMatch(/server-template/);
      expect(dist!.reason).toMatch(/resolvers/);
      // The one server took every request.
      expect(dist!.data?.rows).toEqual([
        expect.objectContaining({ name: 'app', requests: 300, share: 1, state: 'UP' }),
      ]);

      // The text a student reads says the same.
      const t = expectExit(await runLab(['check', '03', '--project', p]), 1);
      expect(t.stdout).toMatch(/^FAIL HAProxy sees only one server, app /m);
      expect(t.stdout).toMatch(/checks failed/);
    }, 90_000);
  }
});
