import type { Palette } from '../core/palette.ts';

export interface Writer {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Progress {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  /** Finish without a mark, e.g. when the step was skipped. */
  stop(): void;
}

/** Await `work`; if it fails, mark `step` failed before passing the error on. */
export function failing<T>(step: Progress, work: Promise<T>): Promise<T> {
  return work.catch((e: unknown) => {
    step.fail();
    throw e;
  });
}

/**
 * Where a command's words go. Results go to stdout, progress and warnings to stderr; with
 * --json, stdout carries exactly one JSON object and nothing else. A spinner is drawn only
 * when stderr is a terminal; elsewhere each step is one plain line.
 */
export class Output {
  readonly stdout: Writer;
  readonly stderr: Writer;
  readonly c: Palette;
  readonly json: boolean;
  readonly verbose: boolean;
  constructor(stdout: Writer, stderr: Writer, c: Palette, json: boolean, verbose = false) {
    this.stdout = stdout;
    this.stderr = stderr;
    this.c = c;
    this.json = json;
    this.verbose = verbose;
  }

  /** A result line on stdout (suppressed in --json mode, where `data` carries the result). */
  result(text = ''): void {
    if (!this.json) this.stdout.write(`${text}\n`);
  }

  /** The one JSON object of --json mode. */
  data(value: unknown): void {
    if (this.json) this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  info(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  warn(text: string): void {
    this.stderr.write(`${this.c.yellow('!')} ${text}\n`);
  }

  debug(text: string): void {
    if (this.verbose) this.stderr.write(`${this.c.dim(text)}\n`);
  }

  step(text: string): Progress {
    return this.stderr.isTTY ? spinner(this.stderr, this.c, text) : plainStep(this.stderr, this.c, text);
  }
}

const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)}s`;

function plainStep(w: Writer, c: Palette, text: string): Progress {
  const t0 = performance.now();
  let last = text;
  w.write(`- ${text}\n`);
  return {
    // Without a terminal, intermediate updates would flood CI logs; only the outcome is printed.
    update: (t) => void (last = t),
    succeed: (t) => void w.write(`${c.green('✔')} ${t ?? last} ${c.dim(elapsed(t0))}\n`),
    fail: (t) => void w.write(`${c.red('✖')} ${t ?? last} ${c.dim(elapsed(t0))}\n`),
    stop: () => {},
  };
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function spinner(w: Writer, c: Palette, text: string): Progress {
  const t0 = performance.now();
  let frame = 0;
  let current = text;
  const draw = () => w.write(`\r\x1b[2K${c.cyan(FRAMES[frame++ % FRAMES.length]!)} ${current} ${c.dim(elapsed(t0))}`);
  const timer = setInterval(draw, 80);
  timer.unref();
  draw();
  const end = (line: string | undefined) => {
    clearInterval(timer);
    w.write(`\r\x1b[2K${line === undefined ? '' : `${line}\n`}`);
  };
  return {
    update: (t) => void (current = t),
    succeed: (t) => end(`${c.green('✔')} ${t ?? current} ${c.dim(elapsed(t0))}`),
    fail: (t) => end(`${c.red('✖')} ${t ?? current} ${c.dim(elapsed(t0))}`),
    stop: () => end(undefined),
  };
}
