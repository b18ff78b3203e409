import { Agent, type ClientRequest } from 'node:http';
import { connect as tcpConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * An http.Agent that reaches a Docker engine over ssh:// through ONE SSH connection and keeps
 * its `docker system dial-stdio` streams alive between API calls.
 *
 * docker-modem's own ssh transport opens a new SSH connection, and so a new remote
 * `docker system dial-stdio` process, for every API call (docker-modem lib/ssh.js): measured on
 * these machines, `lab down` of 12 replicas over ssh:// opened 33 SSH sessions and took 44 s.
 * Here API calls share one connection; each concurrent call gets its own channel (an exec of
 * dial-stdio), which http's keep-alive then reuses for the next call.
 *
 * The SSH socket holds the process open only while a request is in flight, so a command ends
 * when its work does, without anyone having to close the connection.
 */
export interface SshTarget {
  host: string;
  port: number;
  username?: string;
  /** ssh-agent socket (SSH_AUTH_SOCK): docker-modem, and so lab, authenticates with it only. */
  agent?: string;
}

/** Channels at once; sshd's MaxSessions allows 10 per connection (sshd_config(5)). */
const MAX_CHANNELS = 8;

export function sshAgent(target: SshTarget): Agent {
  let client:
    | Promise<{ exec: (cmd: string, cb: (err: Error | undefined, stream: Duplex) => void) => void }>
    | undefined;
  let sock: Socket | undefined;
  let inFlight = 0;

  const open = () => {
    client ??= (async () => {
      const { Client } = await import('ssh2');
      sock = tcpConnect(target.port, target.host);
      const conn = new Client();
      await new Promise<void>((resolve, reject) => {
        conn.once('ready', () => resolve()).once('error', reject);
        conn.connect({ sock, username: target.username ?? process.env.USER ?? 'root', agent: target.agent });
      });
      // A dropped connection: the next call opens a new one.
      conn.once('close', () => {
        client = undefined;
      });
      if (inFlight === 0) sock.unref();
      return conn as never;
    })();
    // A failed connection is not cached: the call that needed it reports the error.
    client.catch(() => {
      client = undefined;
    });
    return client;
  };

  const agent = new Agent({ keepAlive: true, maxSockets: MAX_CHANNELS });
  // Node's Agent types createConnection as synchronous; it also accepts a callback (node:http docs).
  (agent as unknown as { createConnection: unknown }).createConnection = (
    _opts: unknown,
    cb: (err: Error | null, s?: Duplex) => void,
  ) => {
    open().then(
      (conn) =>
        conn.exec('docker system dial-stdio', (err, stream) => {
          if (err) return cb(err);
          cb(null, asSocket(stream));
        }),
      (err: Error) => cb(err),
    );
    return undefined;
  };
  // addRequest is how http hands every request to its agent (untyped, but public since Node 0.x).
  const hooks = agent as unknown as { addRequest: (req: ClientRequest, options: unknown) => void };
  const addRequest = hooks.addRequest.bind(agent);
  hooks.addRequest = (req, options) => {
    if (inFlight++ === 0) sock?.ref();
    req.once('close', () => {
      if (--inFlight === 0) sock?.unref();
    });
    addRequest(req, options);
  };
  return agent;
}

/** http's Agent treats its connections as net.Sockets; an SSH channel lacks these no-ops. */
function asSocket(stream: Duplex): Duplex {
  const s = stream as Duplex & Record<string, unknown>;
  for (const name of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref']) {
    if (typeof s[name] !== 'function') s[name] = () => s;
  }
  return s;
}
