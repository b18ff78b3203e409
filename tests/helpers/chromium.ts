import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Readable, Writable } from 'node:stream';

/**
 * Debian's Chromium (package chromium, /usr/bin/chromium), driven over the DevTools protocol on
 * a pipe (--remote-debugging-pipe: fd 3 carries our commands, fd 4 its answers, each message
 * JSON ended by a NUL byte), so the browser test needs no npm dependency and no port.
 * https://chromedevtools.github.io/devtools-protocol/
 */
const CHROMIUM = process.env.LAB_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = (): boolean => spawnSync(CHROMIUM, ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * The flags of /work/.library/env/machines/node.md: without the background-networking ones,
 * Chromium tries Google's hosts at every start, and this machine's closed network refuses them.
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--remote-debugging-pipe',
];

export interface PageReport {
  /** Console errors, uncaught exceptions, and browser log errors (a CSP violation, a failed load). */
  errors: string[];
  /** What `evaluate` returned, run in the page after it loaded. */
  value: unknown;
  /** A PNG of the whole page. */
  png: Buffer;
}

type Message = {
  id?: number;
  method?: string;
  params?: Record<string, any>;
  result?: any;
  error?: { message: string };
  sessionId?: string;
};

/** Open a local file in a fresh headless Chromium, run `evaluate`, take a screenshot, close. */
export async function openInChromium(
  file: string,
  evaluate: string,
  width = 1000,
  timeoutMs = 30_000,
): Promise<PageReport> {
  const profile = await mkdtemp(join(tmpdir(), 'lab-chromium-'));
  const child = spawn(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const cdp = connect(child);
  const timer = setTimeout(
    () => cdp.fail(new Error(`Chromium did not finish within ${timeoutMs} ms; its stderr:\n${stderr}`)),
    timeoutMs,
  );
  try {
    const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
    const errors: string[] = [];
    cdp.on((m) => {
      if (m.sessionId !== sessionId) return;
      if (m.method === 'Runtime.consoleAPICalled' && m.params?.type === 'error')
        errors.push(`console.error: ${m.params.args.map((a: any) => a.value ?? a.description).join(' ')}`);
      if (m.method === 'Runtime.exceptionThrown')
        errors.push(
          `exception: ${m.params?.exceptionDetails?.exception?.description ?? m.params?.exceptionDetails?.text}`,
        );
      if (m.method === 'Log.entryAdded' && m.params?.entry?.level === 'error')
        errors.push(`log (${m.params.entry.source}): ${m.params.entry.text}`);
    });
    const page = (method: string, params: Record<string, unknown> = {}) => cdp.send(method, params, sessionId);
    await Promise.all([page('Runtime.enable'), page('Log.enable'), page('Page.enable')]);
    // A short viewport first, so the screenshot below is as tall as the page, not the window.
    await page('Emulation.setDeviceMetricsOverride', { width, height: 200, deviceScaleFactor: 1, mobile: false });
    const loaded = cdp.waitFor((m) => m.sessionId === sessionId && m.method === 'Page.loadEventFired');
    const nav = await page('Page.navigate', { url: pathToFileURL(file).href });
    if (nav.errorText) throw new Error(`Chromium could not open ${file}: ${nav.errorText}`);
    await loaded;
    const ev = await page('Runtime.evaluate', { expression: evaluate, returnByValue: true });
    if (ev.exceptionDetails)
      errors.push(`evaluate: ${ev.exceptionDetails.exception?.description ?? ev.exceptionDetails.text}`);
    const { cssContentSize } = await page('Page.getLayoutMetrics');
    await page('Emulation.setDeviceMetricsOverride', {
      width,
      height: Math.ceil(cssContentSize.height),
      deviceScaleFactor: 1,
      mobile: false,
    });
    const shot = await page('Page.captureScreenshot', { format: 'png' });
    return { errors, value: ev.result?.value, png: Buffer.from(shot.data, 'base64') };
  } finally {
    clearTimeout(timer);
    await cdp.send('Browser.close').catch(() => undefined);
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    await rm(profile, { recursive: true, force: true });
  }
}

function connect(child: ChildProcess) {
  const input = child.stdio[3] as Writable;
  const output = child.stdio[4] as Readable;
  let next = 1;
  let buffer = '';
  const waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  const listeners: ((m: Message) => void)[] = [];
  let failed: Error | undefined;
  const fail = (e: Error) => {
    failed ??= e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
    child.kill('SIGKILL');
  };
  output.on('data', (c: Buffer) => {
    buffer += c.toString();
    for (let end = buffer.indexOf('\0'); end >= 0; end = buffer.indexOf('\0')) {
      const m = JSON.parse(buffer.slice(0, end)) as Message;
      buffer = buffer.slice(end + 1);
      const w = m.id === undefined ? undefined : waiting.get(m.id);
      if (w && m.id !== undefined) {
        waiting.delete(m.id);
        if (m.error) w.reject(new Error(m.error.message));
        else w.resolve(m.result);
      }
      for (const l of listeners) l(m);
    }
  });
  child.on('exit', (code) => fail(new Error(`Chromium exited (${code})`)));
  input.on('error', (e) => fail(e));
  return {
    fail,
    on: (l: (m: Message) => void) => listeners.push(l),
    waitFor: (ok: (m: Message) => boolean) => new Promise<void>((resolve) => listeners.push((m) => ok(m) && resolve())),
    send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<any> {
      if (failed) return Promise.reject(failed);
      const id = next++;
      input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
      return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
    },
  };
}
