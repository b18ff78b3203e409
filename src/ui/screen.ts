/**
 * A full-screen view on a terminal, for lab top: the alternate screen (so the shell's scrollback
 * is left as it was), no cursor, keys read raw. close() undoes all of it, also after an error.
 * Escape codes: https://invisible-island.net/xterm/ctlseqs/ctlseqs.html
 */
const ALT_ON = '\x1b[?1049h';
const ALT_OFF = '\x1b[?1049l';
const CURSOR_OFF = '\x1b[?25l';
const CURSOR_ON = '\x1b[?25h';
const HOME = '\x1b[H';
const CLEAR_LINE_END = '\x1b[K';
const CLEAR_BELOW = '\x1b[J';

export interface Screen {
  columns(): number;
  /** Replace what is on the screen with `frame`, in place (no flicker: overwrite, then clear the rest). */
  draw(frame: string): void;
  /** Called once on q, Q or Ctrl-C (raw mode turns Ctrl-C into a key, not SIGINT). */
  onQuit(fn: () => void): void;
  close(): void;
}

export function openScreen(stdout: NodeJS.WriteStream, stdin: NodeJS.ReadStream): Screen {
  let quit: (() => void) | undefined;
  let closed = false;
  const onKey = (data: Buffer) => {
    const key = data.toString('utf8');
    if (key === 'q' || key === 'Q' || key === '\x03') quit?.();
  };
  let last = '';
  const onResize = () => stdout.write(`${HOME}${CLEAR_BELOW}${last}`);
  stdin.setRawMode(true);
  stdin.on('data', onKey);
  stdin.resume();
  stdout.on('resize', onResize);
  stdout.write(ALT_ON + CURSOR_OFF + HOME + CLEAR_BELOW);
  // Should lab die on an error no one catches, the terminal must still come back. The cursor is
  // shown after leaving the alternate screen: tmux restores the main screen's modes on leaving it.
  const restore = () => {
    if (!closed) stdout.write(ALT_OFF + CURSOR_ON);
  };
  process.once('exit', restore);
  return {
    columns: () => stdout.columns || 80,
    draw(frame) {
      last = frame
        .split('\n')
        .map((l) => l + CLEAR_LINE_END)
        .join('\r\n');
      stdout.write(HOME + last + CLEAR_BELOW);
    },
    onQuit: (fn) => void (quit = fn),
    close() {
      if (closed) return;
      stdin.off('data', onKey);
      stdout.off('resize', onResize);
      stdin.setRawMode(false);
      stdin.pause();
      stdout.write(ALT_OFF + CURSOR_ON);
      closed = true;
      process.off('exit', restore);
    },
  };
}
