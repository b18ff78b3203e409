/**
 * checks/restart-replica.ts, shared by the kill-replica and session checks: the engine is faked
 * (start, inspect), HAProxy's stats are a real HTTP endpoint on 127.0.0.1 serving CSV rows that
 * the test changes as HAProxy would.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restartReplica } from '../../src/checks/restart-replica.ts';
import type { LabContainer } from '../../src/docker/engine.ts';
import type { Engine } from '../../src/engine/engine.ts';
import type { StatsEndpoint } from '../../src/haproxy/stats-client.ts';

type Row = [pxname: string, svname: string, status: string, checkStatus: string, addr: string];
let rows: Row[] = [];
let server: Server;
let stats: StatsEndpoint;

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.end(['# pxname,svname,status,check_status,addr', ...rows.map((r) => r.join(','))].join('\n'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  stats = { host: '127.0.0.1', port: (server.address() as AddressInfo).port, user: 'u', password: 'p' };
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** An engine whose container starts (or fails to) and then has `ipAfter`. */
function fakeEngine(ipAfter: string, startError?: Error) {
  const calls: string[] = [];
  const docker = {
    getContainer: (id: string) => ({
      start: async () => {
        calls.push(`start ${id}`);
        if (startError) throw startError;
      },
      inspect: async () => ({ NetworkSettings: { Networks: { lab: { IPAddress: ipAfter } } } }),
    }),
  } as unknown as Dockerode;
  return { engine: { docker } as Engine, calls };
}

const app = { id: 'c2', name: 'p-web-2', service: 'web', number: 2, ip: '10.0.0.2' } as LabContainer;
const later = (ms: number, f: () => void) => setTimeout(f, ms);

describe('restartReplica', () => {
  it('waits for the address the container has after the start, not the one it had', async () => {
    // The old address is UP (another replica took it); the restarted one is on its first check.
    rows = [
      ['web', 'web1', 'UP', 'L7OK', '10.0.0.2:8000'],
      ['web', 'web2', 'UP', 'INI', '10.0.0.9:8000'],
    ];
    later(300, () => {
      rows[1] = ['web', 'web2', 'UP', 'L7OK', '10.0.0.9:8000'];
    });
    const { engine, calls } = fakeEngine('10.0.0.9');
    let started = 0;
    const r = await restartReplica({ engine, stats }, app, {
      timeoutMs: 3000,
      onStarted: () => {
        started++;
      },
    });
    expect(calls).toEqual(['start c2']);
    expect(started).toBe(1);
    expect(r.ip).toBe('10.0.0.9');
    expect(r.upAt).not.toBeNull();
    expect(r.upAt! - r.startedAt).toBeGreaterThanOrEqual(250);
  });

  it('counts only the backend asked for', async () => {
    rows = [
      ['other', 'o1', 'UP', 'L7OK', '[fd00::9]:8000'],
      ['web', 'web2', 'DOWN', 'L4CON', '[fd00::9]:8000'],
    ];
    const { engine } = fakeEngine('fd00::9');
    expect((await restartReplica({ engine, stats }, app, { backend: 'web', timeoutMs: 400 })).upAt).toBeNull();
    expect((await restartReplica({ engine, stats }, app, { backend: 'other', timeoutMs: 400 })).upAt).not.toBeNull();
    // Without a backend, every backend the replica sits in must have it UP.
    expect((await restartReplica({ engine, stats }, app, { timeoutMs: 400 })).upAt).toBeNull();
  });

  it('throws when the container does not start, without waiting', async () => {
    rows = [];
    const { engine } = fakeEngine('10.0.0.2', new Error('no such container'));
    const t0 = performance.now();
    await expect(restartReplica({ engine, stats }, app, { timeoutMs: 5000 })).rejects.toThrow('no such container');
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
