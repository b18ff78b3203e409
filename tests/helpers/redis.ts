import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { delimiter, join } from 'node:path';

/** The path of `name` on PATH, or null. */
export function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * redis-server's path: REDIS_SERVER if set (a path that does not exist shows what CI does on a
 * machine without it), else from PATH.
 */
export function redisServerBin(): string | null {
  const set = process.env.REDIS_SERVER;
  if (set !== undefined) return existsSync(set) ? set : null;
  return onPath('redis-server');
}

export interface Redis {
  port: number;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty (nothing is saved). */
  start(): Promise<void>;
}

/**
 * Debian's redis-server on a free loopback port, nothing saved to disk. The caller stops it
 * (afterAll / onTestFinished).
 */
export async function startRedis(opts: { password?: string } = {}): Promise<Redis> {
  const bin = redisServerBin();
  if (!bin)
    throw new Error('redis-server is not installed: apt-get install -y redis-server (CI: .ci/provision-engine.sh)');
  const port = await freePort();
  let child: ChildProcess | null = null;
  const redis: Redis = {
    port,
    async start() {
      const args = [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ];
      if (opts.password) args.push('--requirepass', opts.password);
      child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'inherit'] });
      const deadline = Date.now() + 5000;
      while (!(await answers(port))) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`redis-server did not start on port ${port}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      const exited = once(c, 'exit');
      c.kill('SIGTERM');
      await exited;
    },
  };
  await redis.start();
  return redis;
}

/** Whether something on the port answers a RESP PING (+PONG, or -NOAUTH with a password). */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(500, () => socket.destroy());
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (d) => {
      socket.destroy();
      resolve(/^(\+PONG|-NOAUTH)/.test(d.toString()));
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}
