import { LAB_OWNED_PORTS } from './render-lab-cfg.ts';

/** Pure checks and messages about a student's haproxy.cfg (loadBalancer.config: student). */

/**
 * Whether a file holds any HAProxy configuration: a line that is not blank once its comment is
 * gone. HAProxy accepts an empty file (or one of comments only, like a starter) and then serves
 * nothing on :8080, so lab refuses it before a reload, with a message the student understands.
 */
export const hasConfiguration = (text: string): boolean => text.split('\n').some((l) => l.replace(/#.*$/, '').trim() !== '');

export interface OwnedBind {
  line: number;
  port: number;
  what: string;
  text: string;
}

/**
 * Lines of a student's file that bind one of lab's ports (stats page, runtime API, master
 * CLI), with `bind` or `stats socket`. HAProxy itself would accept a second bind of :1936
 * (SO_REUSEPORT shares the port between both listeners), so lab refuses it before HAProxy runs.
 * Addresses look like `:1936`, `*:1936`, `127.0.0.1:1936`, `ipv4@:1936`, `[::]:1930-1940`,
 * several separated by commas.
 */
export function labOwnedBinds(text: string): OwnedBind[] {
  const found: OwnedBind[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^(?:bind|stats\s+socket)\s+(\S+)/.exec(line);
    if (!m?.[1]) return;
    for (const addr of m[1].split(',')) {
      const range = /:(\d+)(?:-(\d+))?$/.exec(addr);
      if (!range) continue;
      const from = Number(range[1]);
      const to = range[2] === undefined ? from : Number(range[2]);
      for (const owned of LAB_OWNED_PORTS) {
        if (owned.port >= from && owned.port <= to) found.push({ line: i + 1, port: owned.port, what: owned.what, text: raw.trim() });
      }
    }
  });
  return found;
}

/**
 * HAProxy's messages from `haproxy -c`, with the path it saw inside the check container
 * replaced by the path of the student's file, and the places (file:line) they name. Pure.
 * HAProxy writes `parsing [/path/haproxy.cfg:7] : unknown keyword ...`.
 */
export function mapCheckOutput(output: string, paths: Record<string, string>): { messages: string[]; places: { file: string; line: number }[] } {
  const important = output.split('\n').filter((l) => /\[(ALERT|WARNING)\]/.test(l));
  const places: { file: string; line: number }[] = [];
  const messages = important.map((l) => {
    let mapped = l.replace(/^\[(ALERT|WARNING)\]\s+\(\d+\)\s+:\s+/, '[$1] ');
    for (const [inside, outside] of Object.entries(paths)) mapped = mapped.replaceAll(inside, outside);
    for (const m of mapped.matchAll(/\[([^\]:]+):(\d+)\]/g)) places.push({ file: m[1]!, line: Number(m[2]) });
    return mapped;
  });
  return { messages, places };
}

