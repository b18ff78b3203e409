/**
 * A probe from a lab's client containers (traffic/clients.ts) against the real demo app: the
 * engine is faked only as far as exec goes, which runs lab's in-container script with this
 * machine's Node, next to a real client (MODE=client) and a real app. What is under test: the
 * requests of one series share one exec (each costs a Node start in a small container), in
 * order, and with cookies each request carries what the answers before it set.
 */
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import type { LabContainer } from '../../src/docker/engine.ts';
import { clientsSource } from '../../src/traffic/clients.ts';
import { spawnWhoami, startApp } from '../helpers/whoami.ts';

/** Docker's multiplexed stream framing (the exec's stdout), which engine.ts demux reads. */
const frame = (chunk: Buffer): Buffer => {
  const head = Buffer.alloc(8);
  head[0] = 1;
  head.writeUInt32BE(chunk.length, 4);
  return Buffer.concat([head, chunk]);
};

/** An engine whose exec runs the command here, in a "container" whose control port is `controlPort`. */
function fakeEngine(controlPort: number) {
  const execs: string[][] = [];
  const docker = {
    getContainer: () => ({
      exec: async ({ Cmd }: { Cmd: string[] }) => {
        execs.push(Cmd);
        return {
          start: async () => {
            const out = new PassThrough();
            const child = spawn(process.execPath, Cmd.slice(1), {
              env: { ...process.env, CONTROL_PORT: String(controlPort) },
              stdio: ['ignore', 'pipe', 'inherit'],
            });
            child.stdout.on('data', (c: Buffer) => out.write(frame(c)));
            child.on('close', () => out.end());
            return out;
          },
        };
      },
    }),
  } as unknown as Dockerode;
  return { docker, execs };
}

async function setUp() {
  const app = await startApp({ SERVICE: 'web', REPLICA: '2' });
  const { first } = await spawnWhoami([], { MODE: 'client', CONTROL_PORT: '0' }, 1);
  const controlPort = Number(/^client listening on (\d+)$/.exec(first[0]!)?.[1]);
  const engine = fakeEngine(controlPort);
  const client = { id: 'c1', name: 'p-client-1', service: 'client', number: 1 } as LabContainer;
  return { ...engine, source: clientsSource(engine.docker, [client], `${app.base}/`) };
}

describe('probe from client containers', () => {
  it.each([
    [true, ['new', 'kept', 'kept']],
    [false, ['new', 'new', 'new']],
  ])('cookies %s: one exec for the series, answers in order, sessions %j', async (cookies, states) => {
    const { source, execs } = await setUp();
    const answers = await source.probe(
      [
        { method: 'GET', path: '/session' },
        { method: 'GET', path: '/session' },
        { method: 'GET', path: '/session', headers: { 'X-Canary': '1' } },
      ],
      cookies,
    );
    expect(execs).toHaveLength(1);
    expect(answers.map((a) => [a.status, a.app])).toEqual(states.map(() => [200, 'web/2/v1']));
    expect(answers.map((a) => (JSON.parse(a.body) as { state: string }).state)).toEqual(states);
  });

  it('a request nothing answers is an answer with its cause, and the series goes on', async () => {
    const { source, execs } = await setUp();
    const answers = await source.probe(
      [
        { method: 'GET', path: 'http://127.0.0.1:1/' },
        { method: 'GET', path: '/' },
      ],
      false,
    );
    expect(execs).toHaveLength(1);
    expect(answers.map((a) => [a.status, a.error ?? null])).toEqual([
      [0, 'ECONNREFUSED'],
      [200, null],
    ]);
  });
});
