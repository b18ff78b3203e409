import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendLoad } from '../../src/http/load.ts';

/**
 * A kept-alive socket the server drops as a request arrives on it: the client's race of
 * keep-alive (nothing of the request was answered). lab's load retries such a request once, on
 * a new connection, as Node's documentation says; a failure on a fresh connection still counts.
 */
let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

function start(drop: (nthOnSocket: number) => boolean): Promise<string> {
  server = createServer((req, res) => {
    const socket = req.socket as typeof req.socket & { served?: number };
    socket.served = (socket.served ?? 0) + 1;
    if (drop(socket.served)) return void socket.destroy();
    res.end('ok');
  });
  return new Promise((done) =>
    server!.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server!.address() as AddressInfo).port}/`)),
  );
}

describe("lab's load and a kept-alive socket dropped under it", () => {
  it('a request on a reused socket that the server dropped is sent again on a new one: 0 failed', async () => {
    const url = await start((n) => n === 2); // every second request on a connection is dropped
    const r = await sendLoad({ url, requests: 6, concurrency: 1, keepAlive: true });
    expect(r).toMatchObject({ sent: 6, ok: 6, failed: 0 });
  });
  it('a request dropped on a fresh connection is a failure: nothing hides a server that fails', async () => {
    const url = await start((n) => n === 1);
    const r = await sendLoad({ url, requests: 3, concurrency: 1, keepAlive: true });
    expect(r).toMatchObject({ sent: 3, ok: 0, failed: 3 });
  });
  it('a reused socket reset after a wait (a hung reply) is a failure, not retried', async () => {
    server = createServer((req, res) => {
      const socket = req.socket as typeof req.socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      if (socket.served === 2) return void setTimeout(() => socket.destroy(), 400);
      res.end('ok');
    });
    const url = await new Promise<string>((done) =>
      server!.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server!.address() as AddressInfo).port}/`)),
    );
    const r = await sendLoad({ url, requests: 2, concurrency: 1, keepAlive: true });
    expect(r).toMatchObject({ sent: 2, ok: 1, failed: 1 });
  });
  it('the retry goes on a new connection, where the request is the first', async () => {
    const url = await start((n) => n >= 2);
    const r = await sendLoad({ url, requests: 2, concurrency: 1, keepAlive: true });
    // The first request opens the connection; the second is dropped on it, retried on a new
    // connection, where it is the first and is answered.
    expect(r).toMatchObject({ sent: 2, ok: 2, failed: 0 });
  });
});
