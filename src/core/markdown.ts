/**
 * Task instructions, hints and quiz explanations are Markdown; this turns them into terminal text.
 *
 * Why marked's lexer and a renderer of our own, not marked-terminal or cli-markdown: marked has
 * no dependencies, runs on Node >= 20 and is released every few weeks; marked-terminal brings
 * seven (cli-highlight with highlight.js, cli-table3, node-emoji, ...), cli-markdown markdown-it
 * with ten plugins and cli-html. Both style with their own chalk and theme rather than lab's
 * palette, so the colour decision (ui/colors.ts: NO_COLOR, --no-color, a pipe) would have to be
 * mirrored into their options, and their re-wrapping options would have to be kept off for
 * Japanese. Lab's texts use bold, code, lists and links: some eighty lines cover them.
 *
 * Pure: the palette decides the styling; with plainPalette the result has no Markdown markers.
 * Lines are not re-wrapped: the author's line breaks stay, so Japanese is never split mid-word.
 * Only the command modules that print task texts import this (they are loaded lazily by
 * src/cli/program.ts), so `lab --help` and the other commands never load marked.
 */
import { Lexer, type Token, Tokenizer, type Tokens } from 'marked';
import type { Palette } from './palette.ts';

/**
 * Block syntax lab's texts do not use is not looked for: V8 compiles each of marked's regular
 * expressions when it first runs, and these five cost half of the first text's 35 ms (measured
 * on Node 20). Their source prints as written: a `>` line, a table's pipes, an HTML line.
 */
class TaskTextTokenizer extends Tokenizer {
  override lheading() {
    return undefined;
  }
  override blockquote() {
    return undefined;
  }
  override html() {
    return undefined;
  }
  override def() {
    return undefined;
  }
  override table() {
    return undefined;
  }
}

/** `text` (Markdown) for the terminal: styled through `c`, without trailing blank lines. */
export function renderMarkdown(text: string, c: Palette): string {
  // gfm: bare URLs become links (printed once, not as "url (url)").
  const tokens = new Lexer({ gfm: true, breaks: false, tokenizer: new TaskTextTokenizer() }).lex(text);
  return blocks(tokens, c).trimEnd();
}

function blocks(tokens: readonly Token[], c: Palette): string {
  return tokens
    .filter((t) => t.type !== 'space')
    .map((t) => block(t, c))
    .join('\n\n');
}

function block(t: Token, c: Palette): string {
  switch (t.type) {
    case 'paragraph':
    case 'heading':
      return t.type === 'heading' ? c.bold(inline(t.tokens ?? [], c)) : inline(t.tokens ?? [], c);
    case 'text':
      // A tight list item's text: its inline tokens, or the bare text when it has none.
      return 'tokens' in t && t.tokens ? inline(t.tokens, c) : t.text;
    case 'list':
      return list(t as Tokens.List, c);
    case 'code':
      // Shown as the author indented it in the source, in the code colour, fences dropped.
      return (t as Tokens.Code).text
        .split('\n')
        .map((line) => `    ${c.cyan(line)}`)
        .join('\n');
    case 'hr':
      return '---';
    default:
      // Anything newer than this renderer: as written, rather than dropped.
      return t.raw.replace(/\n+$/, '');
  }
}

function list(l: Tokens.List, c: Palette): string {
  const first = typeof l.start === 'number' ? l.start : 1;
  return l.items
    .map((item, i) => {
      const bullet = l.ordered ? `${first + i}.` : '-';
      // An item's own text and any nested list, one per line even in a loose list.
      const body = item.tokens
        .filter((t) => t.type !== 'space')
        .map((t) => block(t, c))
        .join('\n');
      const pad = ' '.repeat(bullet.length + 1);
      return `${bullet} ${body.split('\n').join(`\n${pad}`)}`;
    })
    .join('\n');
}

function inline(tokens: readonly Token[], c: Palette): string {
  return tokens.map((t) => span(t, c)).join('');
}

function span(t: Token, c: Palette): string {
  switch (t.type) {
    case 'strong':
      return c.bold(inline((t as Tokens.Strong).tokens, c));
    case 'em':
    case 'del':
      // The palette has no italic; the words stay, the markers go.
      return inline((t as Tokens.Em).tokens, c);
    case 'codespan':
      return c.cyan((t as Tokens.Codespan).text);
    case 'link': {
      const l = t as Tokens.Link;
      const text = inline(l.tokens, c);
      // A bare URL (autolink) is its own text: print it once.
      return l.text === l.href || l.href === `mailto:${l.text}` ? c.cyan(l.href) : `${text} (${c.cyan(l.href)})`;
    }
    case 'image':
      return `${(t as Tokens.Image).text} (${c.cyan((t as Tokens.Image).href)})`;
    case 'br':
      return '\n';
    case 'text':
      return 'tokens' in t && t.tokens ? inline(t.tokens, c) : t.text;
    case 'escape':
      return t.text;
    default:
      // Inline HTML such as `<count>` in a hint is a placeholder the student reads, not markup.
      return t.raw;
  }
}
