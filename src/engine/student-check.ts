import type { Stats } from 'node:fs';
import { chmod, lstat, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeUtf8 } from '../config/decode-utf8.ts';
import type { LoadedLab } from '../config/labs.ts';
import { readLabCfgTemplate } from '../config/templates.ts';
import { configIdOf } from '../core/config-id.ts';
import { substitute } from '../core/images.ts';
import { shortId } from '../core/lab-id.ts';
import type { RenderOptions } from '../core/options.ts';
import { UsageError } from '../core/errors.ts';
import { CFG_DIR_IN_CONTAINER, LAB_CFG_FILE, renderLabCfg, STUDENT_CFG_FILE } from '../core/render-lab-cfg.ts';
import { hasConfiguration, mapCheckOutput } from '../core/student-cfg.ts';
import { studentRefusals } from '../core/student-refusals.ts';
import { checkStudentConfig, type CheckRequest } from '../haproxy/check-config.ts';
import type { Engine } from './engine.ts';
import type { Workspace } from './workspace.ts';

/**
 * The student's haproxy.cfg, checked before HAProxy loads it (lab apply, and lab up on an
 * edited file): first what lab can tell alone (unreadable, not UTF-8, empty, lab's ports),
 * then HAProxy's own `haproxy -c`. Every refusal is a UsageError (exit 2) at the student's
 * file:line, whose hint is `next`; nothing is changed or started.
 */

/** What a path is, for a refusal: lstat's word for anything but a regular file. */
const kindOf = (s: Stats) =>
  s.isSymbolicLink()
    ? 'a symbolic link'
    : s.isDirectory()
      ? 'a directory'
      : s.isFIFO()
        ? 'a FIFO'
        : s.isSocket()
          ? 'a socket'
          : s.isCharacterDevice() || s.isBlockDevice()
            ? 'a device'
            : 'not a regular file';

/**
 * Read the student's file and refuse what lab can tell without HAProxy. Returns its text.
 * The file must be a regular file (lstat: a link is not followed, so it cannot make lab or the
 * check container read another file, such as the container's own /etc/shadow).
 */
export async function readStudentFile(file: string, next: string, short: string): Promise<string> {
  const unreadable = (e: NodeJS.ErrnoException) => {
    throw new UsageError(
      `Cannot read your HAProxy configuration ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`,
      { hint: `Run lab up ${short} to create it from the lab's starter` },
    );
  };
  const stat = await lstat(file).catch(unreadable);
  if (!stat.isFile()) {
    throw new UsageError(
      `${file} is ${kindOf(stat)}, not a regular file: lab reads only a regular file as your HAProxy configuration`,
      { hint: `Replace it with a regular file (copy its content there), then: ${next}` },
    );
  }
  const bytes = await readFile(file).catch(unreadable);
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok)
    throw new UsageError(`${file}:${decoded.line}:${decoded.col}: not valid UTF-8 here: save the file as UTF-8`, {
      hint: next,
    });
  if (!hasConfiguration(decoded.text)) {
    throw new UsageError(
      `${file} holds no HAProxy configuration, only ${decoded.text.trim() ? 'comments and blank lines' : 'nothing'}: HAProxy would accept it and serve nothing on :8080`,
      {
        hint: `Write your frontend and backend in it (lab tasks ${short} says what), then: ${next}`,
      },
    );
  }
  const refused = studentRefusals(decoded.text, `${CFG_DIR_IN_CONTAINER}/${STUDENT_CFG_FILE}`);
  if (refused.length) {
    const first = refused[0]!;
    throw new UsageError(`${file}:${first.line}: ${first.why}`, {
      details: refused.map((r) => `${file}:${r.line}: ${r.text}  (${r.why})`),
      hint: `${first.fix}. ${next}`,
    });
  }
  return decoded.text;
}

/** `haproxy -c` on lab's 00-lab.cfg and the student's file (both in `r.dir`); HAProxy's messages mapped to `paths`. */
async function haproxyAccepts(
  engine: Engine,
  r: CheckRequest,
  paths: { student: string; labCfg: string },
  next: string,
): Promise<void> {
  const checked = await checkStudentConfig(engine.docker, r);
  if (checked.ok) return;
  const { messages, places } = mapCheckOutput(checked.output, {
    [`${CFG_DIR_IN_CONTAINER}/${STUDENT_CFG_FILE}`]: paths.student,
    [`${CFG_DIR_IN_CONTAINER}/${LAB_CFG_FILE}`]: paths.labCfg,
  });
  const where = places.find((p) => p.file === paths.student);
  throw new UsageError(`HAProxy rejects ${where ? `${paths.student}:${where.line}` : paths.student}`, {
    details: messages.length ? messages : checked.output.trim().split('\n').slice(-8),
    hint: next,
  });
}

/**
 * The same check on texts not yet in the workspace (lab up, before it writes anything): both
 * files go to a private temporary folder, readable by HAProxy's user in the container, removed after.
 */
export async function haproxyAcceptsTexts(
  engine: Engine,
  r: Omit<CheckRequest, 'dir'>,
  texts: { student: string; labCfg: string },
  paths: { student: string; labCfg: string },
  next: string,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lab-check-'));
  try {
    await chmod(dir, 0o755);
    await Promise.all([
      writeFile(join(dir, STUDENT_CFG_FILE), texts.student, { mode: 0o644 }),
      writeFile(join(dir, LAB_CFG_FILE), texts.labCfg, { mode: 0o644 }),
    ]);
    await haproxyAccepts(engine, { ...r, dir }, paths, next);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * lab up on a student lab whose haproxy.cfg the student has edited (it differs from the
 * starter): the same checks as lab apply, before anything starts, so a broken file is exit 2 at
 * its file:line rather than a HAProxy that never comes up. A file still equal to the starter is
 * the lab's own and is not checked (no cost on a first up, nor in lab test), nor is one
 * checked before (a second up costs nothing). An image not on
 * the engine yet (compose pulls it later) skips HAProxy's check; HAProxy checks at start then.
 */
export async function checkEditedStudentFile(
  engine: Engine,
  r: { loaded: LoadedLab; options: RenderOptions; ws: Workspace; haproxyId?: string | undefined },
): Promise<'unchanged' | 'checked-before' | 'checked' | 'no-image'> {
  const { loaded, options, ws } = r;
  const short = shortId(loaded.lab.id);
  const next = `Fix ${ws.haproxyCfg}, then run lab up ${short} again (nothing was started)`;
  // A link equal to the starter would otherwise pass as unchanged: refused like any other.
  if ((await lstat(ws.haproxyCfg).catch(() => undefined))?.isFile() === false)
    await readStudentFile(ws.haproxyCfg, next, short);
  const [mine, starter] = await Promise.all([
    readFile(ws.haproxyCfg).catch(() => undefined),
    loaded.starter ? readFile(loaded.starter) : undefined,
  ]);
  if (!mine || !starter || mine.equals(starter)) return 'unchanged';
  const student = await readStudentFile(ws.haproxyCfg, next, short);
  const labCfg = renderLabCfg(readLabCfgTemplate(), loaded.lab, options, student);
  // 00-lab.cfg is written only after this file passed (here, or in lab apply), and its id
  // covers the student's file: the same id on disk means this very text was checked already.
  const written = await readFile(ws.labCfg, 'utf8').catch(() => undefined);
  if (written !== undefined && configIdOf(written) === configIdOf(labCfg)) return 'checked-before';
  const request = {
    image: substitute(loaded.lab.loadBalancer.image, options.images),
    labId: loaded.lab.id,
    project: options.project,
    workspace: ws.dir,
    haproxyId: r.haproxyId,
  };
  try {
    await haproxyAcceptsTexts(
      engine,
      request,
      { student, labCfg },
      { student: ws.haproxyCfg, labCfg: ws.labCfg },
      next,
    );
    return 'checked';
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return 'no-image';
    throw e;
  }
}
