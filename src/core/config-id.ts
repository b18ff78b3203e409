import { createHash } from 'node:crypto';

/**
 * The id of a haproxy.cfg, which HAProxy itself serves back on its stats port (GET
 * CONFIG_ID_PATH, answered by an `http-request return` rule of the file). After every start or
 * reload lab reads it to confirm that HAProxy runs the very file lab wrote: a reload that failed
 * ("Loading failure!", e.g. the bind-mounted folder was deleted) keeps the old workers, and
 * their old id, running. Served over the published stats port, it works on remote engines too
 * and needs nothing inside the container (no runtime API socket, no docker exec).
 */
export const CONFIG_ID_PATH = '/lab/config-id';
const PLACEHOLDER = '@LAB_CONFIG_ID@';

/** The haproxy.cfg line that serves the id; rendered with a placeholder that stampConfigId fills. */
export const configIdRule = (): string =>
  `    http-request return status 200 content-type text/plain string ${PLACEHOLDER} if { path ${CONFIG_ID_PATH} }`;

/**
 * The id is a hash of the whole file except the stats credentials: the path answers without a
 * password, and a hash covering the password would let anyone who reaches the port guess it
 * offline. (A change of password alone still makes lab reload HAProxy; see confirm-config.ts.)
 */
function configHash(textWithPlaceholder: string, alsoLoaded = ''): string {
  // alsoLoaded: in student mode, the student's haproxy.cfg that HAProxy loads after this file.
  const withoutSecrets = `${textWithPlaceholder}${alsoLoaded ? `\0${alsoLoaded}` : ''}`.replace(
    /^(\s*stats auth\s+).*$/gm,
    '$1<credentials>',
  );
  return createHash('sha256').update(withoutSecrets).digest('hex').slice(0, 16);
}

/** Fill in the id of a rendered file. Pure: the same text gives the same id. */
export const stampConfigId = (text: string, alsoLoaded = ''): string =>
  text.replace(PLACEHOLDER, configHash(text, alsoLoaded));

/** The id a written haproxy.cfg declares (undefined for a file without the rule). */
export function configIdOf(cfg: string): string | undefined {
  return new RegExp(`string ([0-9a-f]{16}) if \\{ path ${CONFIG_ID_PATH} \\}`).exec(cfg)?.[1];
}

/** What HAProxy answered on CONFIG_ID_PATH: an id, or undefined for any other answer (an older file, a stats page). */
export const parseServedId = (status: number, body: string): string | undefined =>
  status === 200 && /^[0-9a-f]{16}$/.test(body.trim()) ? body.trim() : undefined;
