/** Pure checks and messages about a student's haproxy.cfg (loadBalancer.config: student). */

/**
 * Whether a file holds any HAProxy configuration: a line that is not blank once its comment is
 * gone. HAProxy accepts an empty file (or one of comments only, like a starter) and then serves
 * nothing on :8080, so lab refuses it before a reload, with a message the student understands.
 */
export const hasConfiguration = (text: string): boolean =>
  text.split('\n').some((l) => l.replace(/#.*$/, '').trim() !== '');

/**
 * HAProxy's messages from `haproxy -c`, with the path it saw inside the check container
 * replaced by the path of the student's file, and the places (file:line) they name. Pure.
 * HAProxy writes `parsing [/path/haproxy.cfg:7] : unknown keyword ...`.
 */
export function mapCheckOutput(
  output: string,
  paths: Record<string, string>,
): { messages: string[]; places: { file: string; line: number }[] } {
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
