// A tiny Redis client: RESP2 over node:net, one connection, commands pipelined in order.
// Enough for sessions (GET, INCR, EXPIRE, PING); https://redis.io/docs/latest/develop/reference/protocol-spec/
import net from 'node:net';

export class RedisError extends Error {}

const CAUSES = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed',
};

/** redis://[user:password@]host[:port][/db] → connection settings, or an Error saying why not. Pure. */
export function parseRedisUrl(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return new Error(`REDIS_URL must look like redis://host:6379/0, got ${JSON.stringify(text)}`);
  }
  const db = url.pathname.replace(/^\//, '');
  if (url.protocol !== 'redis:' || !url.hostname || !/^\d{0,2}$/.test(db) || url.search || url.hash) {
    return new Error(`REDIS_URL must look like redis://host:6379/0, got ${JSON.stringify(text)}`);
  }
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port || 6379),
    db: Number(db || 0),
    username: decodeURIComponent(url.username) || null,
    password: decodeURIComponent(url.password) || null,
  };
}

/** One command in RESP: an array of bulk strings. Pure. */
export function encodeCommand(args) {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${Buffer.byteLength(String(arg))}\r\n${arg}\r\n`;
  return out;
}

/**
 * One reply from `buf` at `at`: { value, next } or null when the buffer holds only part of it.
 * Error replies are RedisError values (not thrown). Pure.
 */
export function parseReply(buf, at = 0) {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return null;
  const line = buf.toString('utf8', at + 1, eol);
  const next = eol + 2;
  switch (String.fromCharCode(buf[at])) {
    case '+': return { value: line, next };
    case '-': return { value: new RedisError(line), next };
    case ':': return { value: Number(line), next };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.toString('utf8', next, next + len), next: next + len + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, next };
      const items = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const item = parseReply(buf, pos);
        if (!item) return null;
        items.push(item.value);
        pos = item.next;
      }
      return { value: items, next: pos };
    }
    default: throw new RedisError(`not a RESP reply: ${JSON.stringify(line.slice(0, 40))}`);
  }
}

/**
 * Commands wait at most `timeoutMs`; a timeout or a broken connection fails every waiting
 * command and drops the connection, and the next command connects again. Right after a
 * failed connection, commands fail at once for `retryMs` instead of each trying again.
 */
export class RedisClient {
  #socket = null;
  #pending = [];
  #buf = Buffer.alloc(0);
  #failed = null;

  constructor(settings, { timeoutMs = 1000, retryMs = 250 } = {}) {
    this.settings = settings;
    this.where = `${settings.host}:${settings.port}/${settings.db}`;
    this.timeoutMs = timeoutMs;
    this.retryMs = retryMs;
  }

  /** Several commands sent at once; resolves with their replies in order. */
  async pipeline(commands) {
    if (!this.#socket) {
      if (this.#failed && Date.now() - this.#failed.at < this.retryMs) throw this.#failed.error;
      this.#connect();
    }
    return Promise.all(commands.map((args) => this.#send(args)));
  }

  async command(...args) {
    return (await this.pipeline([args]))[0];
  }

  close() {
    this.#socket?.destroy();
  }

  #connect() {
    const { host, port, db, username, password } = this.settings;
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    this.#socket = socket;
    this.#buf = Buffer.alloc(0);
    socket.on('data', (chunk) => this.#read(socket, chunk));
    socket.on('error', (e) => this.#drop(socket, e));
    socket.on('close', () => this.#drop(socket, new Error('connection closed')));
    socket.on('connect', () => { socket.connected = true; });
    // Sent before any command, so they are answered first; if they fail, so does the
    // connection, and every command waiting on it fails with their error.
    if (password) this.#send(username ? ['AUTH', username, password] : ['AUTH', password], true).catch(() => {});
    if (db) this.#send(['SELECT', db], true).catch(() => {});
  }

  #send(args, setup = false) {
    return new Promise((resolve, reject) => {
      const socket = this.#socket;
      const timer = setTimeout(() => this.#drop(socket, new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      this.#pending.push({ resolve, reject, timer, command: args[0], setup });
      socket.write(encodeCommand(args));
    });
  }

  #read(socket, chunk) {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
    let at = 0;
    for (let reply; (reply = parseReply(this.#buf, at)); at = reply.next) {
      const waiting = this.#pending.shift();
      if (!waiting) continue;
      clearTimeout(waiting.timer);
      if (!(reply.value instanceof RedisError)) {
        waiting.resolve(reply.value);
        continue;
      }
      const error = new RedisError(`${waiting.command}: ${reply.value.message}`);
      waiting.reject(error);
      if (waiting.setup) return this.#drop(socket, error);
    }
    this.#buf = this.#buf.subarray(at);
  }

  #drop(socket, cause) {
    if (socket !== this.#socket) return;
    this.#socket = null;
    socket.destroy();
    const error = new Error(`redis at ${this.where}: ${CAUSES[cause.code] ? `${CAUSES[cause.code]} (${cause.code})` : cause.message}`);
    // A quiet close of an idle connection is no failure: the next command just reconnects.
    if (!socket.connected || this.#pending.length) this.#failed = { at: Date.now(), error };
    for (const waiting of this.#pending.splice(0)) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
    }
  }
}
