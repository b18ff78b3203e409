import { haproxyWords, UNKNOWN } from './haproxy-words.ts';
import { LAB_OWNED_PORTS, MASTER_CLI_PORT, RUNTIME_API_PORT } from './render-lab-cfg.ts';
import { STATS_AUTH_ENV } from './render-secrets.ts';

/**
 * What lab refuses in a student's haproxy.cfg before HAProxy loads it, judged on the words
 * HAProxy reads once it has resolved quotes, escapes and variables (haproxy-words.ts). Pure.
 *
 * Variables: HAProxy's master re-executes itself on every reload with its environment as the
 * files left it, so a `setenv` of a file applied earlier still holds when the next one is read
 * (seen on HAProxy 3.0.11: a variable set after a `.notice` is printed by the same line on the
 * next reload), and on a reload HAProxy itself sets HAPROXY_CLI (`ipv4@127.0.0.1:9999`, the
 * runtime API) and HAPROXY_MASTER_CLI (`ipv4@127.0.0.1:9998`). A variable lab cannot know is
 * therefore UNKNOWN, never empty; only the file's own `setenv`/`presetenv`/`unsetenv` and
 * HAProxy's variables have values lab can tell.
 */

export interface Refusal {
  line: number;
  /** The line as written. */
  text: string;
  /** Why lab refuses it. */
  why: string;
  /** What to do instead. */
  fix: string;
}

/** The environment of lab's HAProxy container as a student file sees it on a reload. */
const LAB_HAPROXY_ENV: Readonly<Record<string, string>> = {
  [STATS_AUTH_ENV]: UNKNOWN,
  HAPROXY_MWORKER: '1',
  HAPROXY_CLI: `ipv4@127.0.0.1:${RUNTIME_API_PORT}`,
  HAPROXY_MASTER_CLI: `ipv4@127.0.0.1:${MASTER_CLI_PORT}`,
};

/** Variables lab's 00-lab.cfg reads, and HAProxy's own (its master keeps its state in them across reloads). */
const labVariable = (name: string) => name.startsWith('LAB_') || name.startsWith('HAPROXY_');

const SECTIONS = new Set([
  'global',
  'defaults',
  'frontend',
  'backend',
  'listen',
  'resolvers',
  'peers',
  'userlist',
  'program',
  'mailers',
  'http-errors',
  'ring',
  'log-forward',
  'cache',
  'crt-store',
  'traces',
  'fcgi-app',
]);

/** Keywords whose second word says what the line does (`option external-check`, `stats socket`). */
const KEYWORD_PAIRS = new Set([
  'option',
  'no',
  'stats',
  'external-check',
  'http-request',
  'http-response',
  'tcp-request',
  'tcp-response',
  'http-check',
  'tcp-check',
]);

const FORK = 'runs programs inside the HAProxy container';
/** Keywords refused wherever they are (HAProxy accepts most of them only in global). */
const REFUSED: Record<string, string> = {
  'master-worker': "changes HAProxy's master process, through which lab reloads your file",
  'mworker-max-reloads': "changes HAProxy's master process, through which lab reloads your file",
  'insecure-fork-wanted': `lets HAProxy start programs (external checks): ${FORK}`,
  'insecure-setuid-wanted': `lets HAProxy start programs that change user: ${FORK}`,
  'external-check': `starts a program for every health check: ${FORK}`,
  'lua-load': `loads Lua code into HAProxy, which ${FORK.replace('runs', 'can run')} and open sockets`,
  'lua-load-per-thread': `loads Lua code into HAProxy, which ${FORK.replace('runs', 'can run')} and open sockets`,
  'lua-prepend-path': 'sets where HAProxy finds Lua code (lab runs no Lua of yours)',
  resetenv: `empties HAProxy's environment, which lab's 00-lab.cfg reads (${STATS_AUTH_ENV}) on the next reload`,
  // lab writes the servers' state there before each reload (core/seamless-reload.ts); another
  // path would have HAProxy read a file lab does not write, or print one back in its errors.
  'server-state-file':
    "changes where HAProxy reads the servers' state at a reload, which lab writes so reloads fail no request",
  'server-state-base':
    "changes where HAProxy reads the servers' state at a reload, which lab writes so reloads fail no request",
};

const LOOPBACK_WRITTEN =
  /^(?:[a-z0-9]+@)?(?:127(?:\.\d+){3}|localhost|\[?::1\]?|\[?::ffff:127(?:\.\d+){3}\]?|0\.0\.0\.0|\[?::\]?|0x7f[0-9a-f]{6})?$/i;
/**
 * A host that is, or may be, the container's loopback. Beside the usual spellings, the ones
 * libc's resolver turns into 127.0.0.1 though they are no IP literal: a single number
 * (2130706433), fewer than four parts (127.1), octal or hex parts (0177.0.0.1, 0x7f.1), and any
 * IPv4-mapped IPv6 address ([::ffff:7f00:1]). A name that resolves to the loopback cannot be
 * told from its spelling: lab does not resolve names.
 */
const LOOPBACK_HOST = {
  test(host: string): boolean {
    const h = host.replace(/^[a-z0-9]+@/i, '').replace(/^\[|\]$/g, '');
    if (LOOPBACK_WRITTEN.test(host) || /^::ffff:/i.test(h)) return true;
    if (!/^[0-9a-fx.]+$/i.test(h) || !/^\d|^0x/i.test(h)) return false;
    const parts = h.split('.');
    return parts.length < 4 || parts.some((p) => /^0x/i.test(p) || /^0\d/.test(p));
  },
};
const PORTS = /:(\d+)(?:-(\d+))?$/;
/** Keywords whose arguments hold an address HAProxy connects to. */
const CONNECTS = new Set(['server', 'server-template', 'log', 'nameserver', 'peer', 'mailer', 'dispatch', 'source']);

/** Lab's ports an address covers (`:1936`, `*:1930-1940`, `ipv4@127.0.0.1:9999`, `[::]:1936`); only on the loopback unless `anyHost`. */
function portsOf(addr: string, anyHost: boolean): (typeof LAB_OWNED_PORTS)[number][] {
  const m = PORTS.exec(addr);
  if (!m || (!anyHost && !LOOPBACK_HOST.test(addr.slice(0, m.index)))) return [];
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return LAB_OWNED_PORTS.filter((p) => p.port >= from && p.port <= to);
}

/**
 * Whether a word with parts lab cannot resolve may be an address on one of lab's ports. A bind
 * never may (a value could hold a whole list, `:1936,`); an address HAProxy connects to may
 * when its host is written out and not the loopback, or its port is written out and not lab's.
 */
function unknownMayReachLab(word: string, listens: boolean): boolean {
  if (listens) return true;
  const host = /^([^:\0]+):/.exec(word)?.[1];
  if (host !== undefined && !LOOPBACK_HOST.test(host)) return false;
  const port = /:([^:\0]*)$/.exec(word)?.[1];
  return !(port !== undefined && /^\d+(-\d+)?$/.test(port) && portsOf(`:${port}`, true).length === 0);
}

const USE_ANOTHER_PORT = "Use another port (the app's frontend is :8080)";
const WRITE_IT_OUT = 'Write the address itself, without a variable lab cannot resolve';

/**
 * Every line lab refuses, in order; `file` is the file's path in the HAProxy container (what
 * `${.FILE}` gives). Lines inside `.if` blocks count whichever branch HAProxy takes.
 */
export function studentRefusals(text: string, file: string): Refusal[] {
  const found: Refusal[] = [];
  // null: surely not set (unsetenv); a name absent from the map: UNKNOWN (see above).
  const env = new Map<string, string | null>(Object.entries(LAB_HAPROXY_ENV));
  let section = '';
  let sectionName = '';
  let depth = 0;
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const refuse = (why: string, fix: string) => found.push({ line, text: raw.trim(), why, fix });
    const read = new Set<string>();
    const pseudo = new Map([
      ['.LINE', String(line)],
      ['.FILE', file],
      ['.SECTION', sectionName],
    ]);
    const words = haproxyWords(raw, (name) => {
      read.add(name);
      const v = pseudo.get(name) ?? (env.has(name) ? env.get(name) : UNKNOWN);
      return v === null ? undefined : v;
    });
    const [kw = '', arg1 = ''] = words;
    if (!kw) return;
    for (const name of read)
      if (name.startsWith('LAB_'))
        refuse(`reads ${name}, lab's own variable (the stats page's password)`, "Leave lab's variables to 00-lab.cfg");
    if (words.some((w) => /\benv\(\s*\\?["']?\s*LAB_/.test(w)))
      refuse("reads lab's own variable (the stats page's password) with env()", "Leave lab's variables to 00-lab.cfg");
    if (kw.includes(UNKNOWN) || (KEYWORD_PAIRS.has(kw) && arg1.includes(UNKNOWN))) {
      refuse(
        'its keyword comes from a variable lab cannot resolve: lab cannot tell what the line does',
        'Write the keyword itself',
      );
      return;
    }
    if (kw === '.if') depth++;
    else if (kw === '.endif') depth = Math.max(0, depth - 1);
    if (SECTIONS.has(kw)) {
      section = kw;
      sectionName = arg1 || kw;
      if (kw === 'program')
        refuse(
          `starts a program section: HAProxy's master would run its command, which ${FORK}`,
          'Remove the program section',
        );
      return;
    }
    if (Object.hasOwn(REFUSED, kw))
      refuse(`${kw}: ${REFUSED[kw]}`, `Remove the ${kw} line: lab owns the HAProxy process and its environment`);
    if (kw === 'option' && arg1 === 'external-check')
      refuse(
        `option external-check: ${REFUSED['external-check']}`,
        'Use HTTP or TCP health checks (option httpchk, check)',
      );
    if (section === 'global' && kw === 'stats')
      refuse(
        `global stats settings change HAProxy's runtime API, which lab owns (127.0.0.1:${RUNTIME_API_PORT})`,
        'Remove the line; a stats page of your own goes in a frontend or listen section, on another port',
      );
    else if (kw === 'stats' && arg1 === 'socket')
      refuse(`stats socket opens a runtime API, which lab owns (127.0.0.1:${RUNTIME_API_PORT})`, 'Remove the line');
    if (words.some((w) => w === 'set-dst' || w === 'set-dst-port'))
      refuse(
        "changes the address HAProxy connects to at run time: lab cannot tell it stays off its ports on the container's loopback",
        'Name the servers in your backend instead',
      );
    if (kw === 'setenv' || kw === 'presetenv' || kw === 'unsetenv') {
      const names = kw === 'unsetenv' ? words.slice(1) : [arg1];
      const lab = names.filter(labVariable);
      if (lab.length)
        refuse(
          `${kw} ${lab.join(' ')}: lab's 00-lab.cfg and HAProxy's master read ${lab.length > 1 ? 'these variables' : 'this variable'}, and HAProxy keeps the change across reloads`,
          'Use a variable name of your own (not LAB_… or HAPROXY_…)',
        );
      for (const name of names) {
        const now = env.has(name) ? env.get(name)! : UNKNOWN;
        const value = kw === 'unsetenv' ? null : kw === 'presetenv' && now !== null ? now : words.slice(2).join(' ');
        // Inside .if/.else lab does not tell which branch HAProxy takes: the value becomes unknown.
        env.set(name, depth > 0 ? UNKNOWN : value);
      }
    }
    // A health check's or an agent's own port (`check port 9999`, `tcp-check connect addr
    // 127.0.0.1 port 9998`, `agent-port 9999`): lab's ports are never a check's to reach.
    for (let i = 1; i < words.length - 1; i++) {
      if (words[i] !== 'port' && words[i] !== 'agent-port') continue;
      const owned = LAB_OWNED_PORTS.find((p) => String(p.port) === words[i + 1]);
      if (owned)
        refuse(
          `${words[i]} ${owned.port}: a health check or agent would connect to ${owned.what}: lab owns it`,
          "Check the app's own port (8000) instead",
        );
    }
    const listens = kw === 'bind' || kw === 'dgram-bind' || (kw === 'stats' && arg1 === 'socket');
    if (!listens && !CONNECTS.has(kw) && !words.some((w) => portsOf(w, false).length)) return;
    for (const word of words.slice(kw === 'stats' ? 2 : 1)) {
      const shown = raw.includes(word) ? '' : ` (HAProxy reads it as "${word.replaceAll(UNKNOWN, '?')}")`;
      const owned = new Set(word.split(',').flatMap((a) => portsOf(a, listens)));
      for (const o of owned) {
        if (listens)
          refuse(
            `binds port ${o.port}${shown}, which is ${o.what}: lab owns it, your file may not bind it`,
            USE_ANOTHER_PORT,
          );
        else
          refuse(
            `connects to port ${o.port} on the container's loopback${shown}, which is ${o.what}: lab owns it`,
            "Point it at the app's replicas (e.g. app:8000) instead",
          );
      }
      if (owned.size || !(listens || CONNECTS.has(kw))) continue;
      if (word.includes(UNKNOWN) && unknownMayReachLab(word, listens)) {
        const vague = [...read]
          .filter((n) => !pseudo.has(n) && (!env.has(n) || env.get(n)?.includes(UNKNOWN)))
          .join(', ');
        refuse(
          `takes ${listens ? 'the address it binds' : 'an address'} from a variable lab cannot resolve (${vague}: an earlier file, presetenv or an .if may have set it): lab cannot tell it stays off its ports ${LAB_OWNED_PORTS.map((p) => p.port).join(', ')}`,
          WRITE_IT_OUT,
        );
      } else if (!listens && /:[+-]\d+$/.test(word) && LOOPBACK_HOST.test(word.slice(0, word.lastIndexOf(':')))) {
        refuse(
          "connects to the container's loopback on a port relative to the client's: lab cannot tell it stays off its ports",
          "Point it at the app's replicas (e.g. app:8000) instead",
        );
      }
    }
  });
  return found;
}
