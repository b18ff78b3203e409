/**
 * One browser's cookies as a Cookie header, from the Set-Cookie values it was given (name=value,
 * attributes dropped). Pure. A new value replaces the old one of the same name and keeps the
 * others: HAProxy's `cookie … insert` (without `indirect`) sets its cookie on every answer while
 * the app sets `session` once, so replacing the whole jar would drop the session.
 */
export function mergeCookies(jar: string | undefined, setCookies: readonly string[]): string | undefined {
  const cookies = new Map<string, string>();
  const add = (pair: string) => {
    const eq = pair.indexOf('=');
    if (eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  };
  for (const pair of (jar ?? '').split(';')) add(pair);
  for (const set of setCookies) add(set.split(';')[0]!);
  return cookies.size ? [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
}

/** The cookie names of a Cookie header, in order. */
export const cookieNames = (jar: string | undefined): string[] =>
  (jar ?? '')
    .split(';')
    .map((p) => p.slice(0, Math.max(0, p.indexOf('='))).trim())
    .filter(Boolean);

/** The name=value pairs of a Cookie header, in order. */
export const cookiePairs = (jar: string | undefined): string[] =>
  (jar ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p.includes('='));
