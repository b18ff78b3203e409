import type Dockerode from 'dockerode';
import { RuntimeError } from '../core/errors.ts';
import { RUNTIME_API_PORT } from '../core/render-lab-cfg.ts';
import { execIn, loopbackCommand } from './master-cli.ts';
import { SERVER_STATE_FILE } from '../core/seamless-reload.ts';

/**
 * HAProxy's runtime API (`stats socket ipv4@127.0.0.1:RUNTIME_API_PORT level admin`), reached
 * like the master CLI: from inside the HAProxy container, on its loopback (master-cli.ts).
 * Non-interactive mode: one command per connection; HAProxy answers and closes.
 * https://docs.haproxy.org/3.0/management.html#9.3 (set server ... state)
 */

export type ServerAdminState = 'ready' | 'drain' | 'maint';

/** The command line for one server's admin state. Names are checked: they go into a shell script. */
export function setServerStateCommand(backend: string, server: string, state: ServerAdminState): string {
  const name = /^[A-Za-z0-9_.-]+$/;
  if (!name.test(backend) || !name.test(server))
    throw new Error(`not a backend/server name lab sends: ${backend}/${server}`);
  return `set server ${backend}/${server} state ${state}`;
}

/**
 * The runtime API answers a successful `set server` with an empty line and a failure with its
 * reason (`No such server.`, `Require 'backend/server'.`, `Permission denied`). Pure.
 */
export function parseSetAnswer(text: string): { ok: true } | { ok: false; reason: string } {
  const reason = text.trim();
  return reason === '' ? { ok: true } : { ok: false, reason };
}

/** Set one server's admin state; throws RuntimeError with HAProxy's reason when it refuses. */
export async function setServerState(
  docker: Dockerode,
  haproxyId: string,
  backend: string,
  server: string,
  state: ServerAdminState,
): Promise<void> {
  const command = setServerStateCommand(backend, server, state);
  const { exitCode, text } = await loopbackCommand(docker, haproxyId, RUNTIME_API_PORT, command, 10);
  const answer = parseSetAnswer(text);
  if (exitCode !== 0 || !answer.ok) {
    throw new RuntimeError(
      `HAProxy's runtime API refused "${command}": ${answer.ok ? `exit ${exitCode}` : answer.reason}`,
      {
        hint: 'Is the runtime API in haproxy.cfg (stats socket ipv4@127.0.0.1:9999 level admin)? lab up <lab> renders it',
      },
    );
  }
}

/**
 * Save every server's state (address, UP/DOWN, admin state, weight) where the next worker
 * reads it at start-up (`server-state-file` + `load-server-state-from-file global`), just
 * before lab asks for a reload. Without it a new worker starts with every server-template
 * slot unresolved (init-addr none) and answers 503 until DNS fills them: 2 of 27,532
 * requests in a measured `lab apply` (issue #29). Written to a temporary name and renamed,
 * so a worker never reads half a file; kept only when it is a state file (first line "1",
 * the format's version). `keep` drops the lines of servers the new files no longer define as
 * they were (core/seamless-reload.ts keepServerStates). https://docs.haproxy.org/3.0/management.html#9.3-show%20servers%20state
 * Best effort: a reload without it still works, only less smoothly.
 */
export async function saveServersState(
  docker: Dockerode,
  haproxyId: string,
  keep: (dump: string) => string = (d) => d,
): Promise<boolean> {
  const dump = await loopbackCommand(docker, haproxyId, RUNTIME_API_PORT, 'show servers state', 5).catch(() => ({
    exitCode: 1,
    text: '',
  }));
  const tmp = `${SERVER_STATE_FILE}.new`;
  const text = dump.exitCode === 0 && dump.text.split('\n', 1)[0]?.trim() === '1' ? keep(dump.text.trimEnd()) : '';
  // One argument of a script has at most 128 KiB (Linux's MAX_ARG_STRLEN): past that, no file.
  const ok = text !== '' && text.length < 100_000;
  // A stale file is worse than none: a failed dump removes it. The kept lines go in as an
  // argument of the script, never into its text.
  const script = ok
    ? `printf '%s\\n' "$1" > ${tmp} && mv -f ${tmp} ${SERVER_STATE_FILE}`
    : `rm -f ${tmp} ${SERVER_STATE_FILE}`;
  const written = await execIn(docker, haproxyId, ['bash', '-c', script, 'lab', ok ? text : '']).catch(() => ({
    exitCode: 1,
  }));
  if (ok && written.exitCode !== 0)
    await execIn(docker, haproxyId, ['rm', '-f', tmp, SERVER_STATE_FILE]).catch(() => undefined);
  return ok && written.exitCode === 0;
}
