import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.ts';
import { fakeContext } from '../helpers/fake-context.ts';

/**
 * README.md and docs/*.md (issue #24): every relative link resolves (the file exists, and an
 * anchor names a heading of that file, by GitHub's slug rule, which mkdocs.yml's slugify
 * follows too), and every `lab …` command written in a console/sh/bash block or in inline code
 * names a real command and only options it (or the program) has, read from the real registry.
 * Every failure is reported as file:line.
 */

const root = join(import.meta.dirname, '..', '..');
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'), { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.md'))
    .map((e) => `docs/${e.name}`),
].sort();

interface Line {
  no: number;
  text: string;
  /** The info string of the fenced block the line is in; undefined outside a block. */
  fence?: string;
}

/** The lines of a Markdown file, each with the language of the fenced block around it (fence lines themselves are left out). */
function linesOf(text: string): Line[] {
  const out: Line[] = [];
  let fence: string | undefined;
  text.split('\n').forEach((line, i) => {
    const open = /^(```|~~~)\s*([\w-]*)/.exec(line);
    if (open) fence = fence === undefined ? open[2]! : undefined;
    else out.push({ no: i + 1, text: line, ...(fence === undefined ? {} : { fence }) });
  });
  return out;
}

/** GitHub's anchor for a heading (github-slugger): lowercase, markup and punctuation dropped (letters of any script, digits, `_` and `-` kept), each space a dash. */
function slugOf(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

const anchorCache = new Map<string, Set<string>>();
/** Every anchor of a Markdown file's headings; a repeated heading gets -1, -2 … as on GitHub. */
function anchorsOf(file: string): Set<string> {
  let anchors = anchorCache.get(file);
  if (anchors) return anchors;
  anchors = new Set();
  for (const { text, fence } of linesOf(readFileSync(file, 'utf8'))) {
    const h = fence === undefined ? /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text) : null;
    if (!h) continue;
    const base = slugOf(h[1]!);
    let slug = base;
    for (let n = 1; anchors.has(slug); n++) slug = `${base}-${n}`;
    anchors.add(slug);
  }
  anchorCache.set(file, anchors);
  return anchors;
}

/**
 * The text outside fenced blocks, paragraph by paragraph (an inline code span may go on over a
 * line break), with the line number of any offset in it.
 */
function paragraphsOf(lines: Line[]): { text: string; lineAt: (offset: number) => number }[] {
  const out: { text: string; lineAt: (offset: number) => number }[] = [];
  let run: Line[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const starts = run.map((_, i) => run.slice(0, i).reduce((n, l) => n + l.text.length + 1, 0));
    const nos = run.map((l) => l.no);
    out.push({
      text: run.map((l) => l.text).join('\n'),
      lineAt: (offset) => nos[starts.findLastIndex((s) => s <= offset)]!,
    });
    run = [];
  };
  let last = 0;
  for (const line of lines) {
    if (line.fence !== undefined || line.text.trim() === '' || line.no !== last + 1) flush();
    if (line.fence === undefined && line.text.trim() !== '') run.push(line);
    last = line.no;
  }
  flush();
  return out;
}

/** Inline code spans blanked out (a link written inside backticks is an example, not a link), offsets kept. */
const withoutCode = (text: string) => text.replace(/`[^`]*`/g, (m) => m.replace(/[^\n]/g, ' '));

function brokenLinks(page: string): string[] {
  const file = join(root, page);
  const problems: string[] = [];
  for (const { text, lineAt } of paragraphsOf(linesOf(readFileSync(file, 'utf8')))) {
    const prose = withoutCode(text);
    const links = [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)];
    // `](` outside every link: a link Markdown does not read as one, e.g. [text]](#anchor).
    for (const stray of prose.matchAll(/\]\(/g)) {
      if (!links.some((l) => l.index <= stray.index && stray.index < l.index + l[0].length))
        problems.push(
          `${page}:${lineAt(stray.index)}: a link Markdown cannot read: ${prose.slice(Math.max(0, stray.index - 30), stray.index + 30).replace(/\n/g, ' ')}`,
        );
    }
    for (const m of links) {
      const no = lineAt(m.index);
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
      const [path = '', anchor] = target.split('#', 2);
      const to = path === '' ? file : join(dirname(file), decodeURI(path));
      const shown = relative(root, to);
      if (!existsSync(to)) {
        problems.push(`${page}:${no}: ${target}: ${shown} does not exist`);
        continue;
      }
      if (anchor !== undefined && to.endsWith('.md') && !anchorsOf(to).has(decodeURIComponent(anchor))) {
        problems.push(`${page}:${no}: ${target}: ${shown} has no heading whose anchor is #${anchor}`);
      }
    }
  }
  return problems;
}

/** Every `lab …` command a page shows: lines of console/sh/bash blocks (`$ lab …` or `lab …`, with `\` continuations) and inline code. */
function labCommands(page: string): { no: number; command: string }[] {
  const found: { no: number; command: string }[] = [];
  const lines = linesOf(readFileSync(join(root, page), 'utf8'));
  for (const { text, lineAt } of paragraphsOf(lines)) {
    for (const m of text.matchAll(/`([^`]+)`/g))
      if (/^lab\s/.test(m[1]!)) found.push({ no: lineAt(m.index), command: m[1]!.replace(/\s+/g, ' ') });
  }
  for (let i = 0; i < lines.length; i++) {
    const { no, text, fence } = lines[i]!;
    if (fence === undefined || !['console', 'sh', 'bash', 'shell'].includes(fence)) continue;
    let command = text.replace(/^\$\s+/, '');
    while (command.endsWith('\\') && lines[i + 1]?.fence === fence)
      command = `${command.slice(0, -1)} ${lines[++i]!.text.trim()}`;
    command = command.replace(/^(\w+=\S*\s+)+/, ''); // LAB_LABS_DIR=labs lab test 07
    if (/^lab\s/.test(command)) found.push({ no, command });
  }
  return found;
}

/** Words as a shell splits them (quotes kept together, `\|` of a Markdown table read as `|`), up to a comment, a pipe, a redirection or the next command. */
function wordsOf(command: string): string[] {
  const words: string[] = [];
  const re = /'[^']*'|"(?:[^"\\]|\\.)*"|\S+/g;
  let depth = 0; // inside [ … ]: `|` is an alternative, not a pipe
  for (const m of command.replace(/\\\|/g, '|').matchAll(re)) {
    const word = m[0];
    if (word.startsWith('#')) break;
    if (depth === 0 && (/^(\||\|\||&&|&|;)$/.test(word) || /^\d*>/.test(word) || word === '<<')) break;
    words.push(word);
    depth += (word.match(/\[/g)?.length ?? 0) - (word.match(/\]/g)?.length ?? 0);
  }
  return words;
}

interface Flags {
  names: Set<string>;
  /** Flags that take a value in the next word (`--host <url>`). */
  withValue: Set<string>;
}

function flagsOf(
  options: readonly { short?: string | undefined; long?: string | undefined; required: boolean; optional: boolean }[],
): Flags {
  const names = new Set<string>();
  const withValue = new Set<string>();
  for (const o of options) {
    for (const f of [o.short, o.long]) {
      if (!f) continue;
      names.add(f);
      if (o.required || o.optional) withValue.add(f);
    }
  }
  return { names, withValue };
}

const program = buildProgram(() => fakeContext().ctx, 'test');
const globals = flagsOf(program.options);
for (const f of ['-h', '--help']) globals.names.add(f);
const commands = new Map<string, Flags>();
for (const cmd of program.commands) {
  const flags = flagsOf(cmd.options);
  for (const name of [cmd.name(), ...cmd.aliases()]) commands.set(name, flags);
}

/** What is wrong with one `lab …` command line, if anything. */
function commandProblems(command: string): string[] {
  const words = wordsOf(command)
    .slice(1)
    .map((w) => w.replace(/^[[(]+|[\])]+$/g, '')) // `[--for SECONDS]`, `(--json)`
    .flatMap((w) => (/^--?[A-Za-z][\w-]*(\/--?[A-Za-z][\w-]*)+$/.test(w) ? w.split('/') : [w])) // `--save/--load`: either
    .filter((w) => w !== '');
  const flag = (w: string) => w.split('=', 1)[0]!;
  const isFlag = (w: string) => /^--?[A-Za-z]/.test(w);
  const placeholder = (w: string) => w.includes('<') || w.includes('…') || w === '...';
  let i = 0;
  const problems: string[] = [];
  // Global options before the command name (lab --hosts room.hosts up 03).
  for (; i < words.length && isFlag(words[i]!); i++) {
    const f = flag(words[i]!);
    if (!globals.names.has(f)) problems.push(`lab has no global option ${f}`);
    else if (globals.withValue.has(f) && !words[i]!.includes('=')) i++;
  }
  const name = words[i];
  if (name === undefined || placeholder(name)) return problems;
  if (name === 'help') return problems;
  const own = commands.get(name);
  if (!own)
    return [...problems, `lab has no command "${name}" (its commands: ${[...commands.keys()].sort().join(', ')})`];
  for (const w of words.slice(i + 1)) {
    if (!isFlag(w) || placeholder(flag(w))) continue;
    const f = flag(w);
    if (!own.names.has(f) && !globals.names.has(f)) problems.push(`lab ${name} has no option ${f}`);
  }
  return problems;
}

describe('README.md and docs/*.md', () => {
  it('are what this test reads', () => {
    expect(pages).toContain('README.md');
    expect(pages).toContain('docs/index.md');
    expect(pages.length).toBeGreaterThan(10);
  });

  it('slug headings as GitHub does', () => {
    expect(slugOf('A report to keep: `lab report --html`')).toBe('a-report-to-keep-lab-report---html');
    expect(slugOf('Student mode: you write haproxy.cfg')).toBe('student-mode-you-write-haproxycfg');
    expect(slugOf('Across machines: Docker Swarm')).toBe('across-machines-docker-swarm');
    expect(slugOf('Scale / failover')).toBe('scale--failover');
    expect(slugOf('Japanese texts: 用語集（glossary）')).toBe('japanese-texts-用語集glossary');
    expect(slugOf('Several services: `services:`')).toBe('several-services-services');
  });

  it('have only relative links that resolve, anchors included', () => {
    const problems = pages.flatMap(brokenLinks);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('write only lab commands and options that exist', () => {
    const examples = pages.flatMap((page) => labCommands(page).map((c) => ({ page, ...c })));
    expect(examples.length).toBeGreaterThan(100);
    const problems = examples.flatMap(({ page, no, command }) =>
      commandProblems(command).map((p) => `${page}:${no}: ${p}: ${command}`),
    );
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('catch a bogus command, option and global option', () => {
    expect(commandProblems('lab frobnicate 03')[0]).toMatch(/no command "frobnicate"/);
    expect(commandProblems('lab up 03 --replcias 5')).toEqual(['lab up has no option --replcias']);
    expect(commandProblems('lab --hostz up 03')).toEqual(['lab has no global option --hostz']);
    expect(commandProblems('lab --hosts room.hosts up 03 --pull never --expose')).toEqual([]);
    expect(
      commandProblems('lab rollout <lab> <service> --to <version> [--strategy rolling\\|recreate] [--batch n]'),
    ).toEqual([]);
    expect(commandProblems('lab prepare --save/--lode f')).toEqual(['lab prepare has no option --lode']);
    expect(commandProblems('lab test 03 2>&1 \\| head -n 3')).toEqual([]);
  });
});
