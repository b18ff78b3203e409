// Who this process is: service, replica and version, from the environment or from Compose.
import { Resolver } from 'node:dns/promises';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * A SERVICE or VERSION value, checked because it goes into the `X-App: service/replica/version`
 * header that clients split on `/`. Returns the error message, or null when fine. Pure.
 */
export function badName(what, value) {
  return NAME.test(value) ? null : `${what} must be 1 to 63 letters, digits, '.', '_' or '-' (got ${JSON.stringify(value)})`;
}

/**
 * Service and replica from a name Docker's DNS gives for a container's IP:
 * `<container>.<network>`, where Compose names the container `<project>-<service>-<N>` and the
 * network `<project>_<network>`. Project and service may both contain '-', so the project is
 * the prefix the network name shares (followed by '_') with the container name (followed by
 * '-'). Pure; fields it cannot tell are null.
 */
export function parsePtrName(name) {
  const dot = name.indexOf('.');
  const container = dot < 0 ? name : name.slice(0, dot);
  const network = dot < 0 ? '' : name.slice(dot + 1).replace(/\.$/, '');
  const m = /^(.*)-(\d+)$/.exec(container);
  if (!m) return { service: null, replica: null };
  const [, rest, n] = m;
  let service = null;
  for (let i = network.indexOf('_'); i > 0; i = network.indexOf('_', i + 1)) {
    const project = network.slice(0, i);
    if (rest.startsWith(`${project}-`) && rest.length > project.length + 1) service = rest.slice(project.length + 1);
  }
  return { service, replica: Number(n) };
}

/** This container's first non-internal IPv4 address (127.0.0.1 outside any network). */
export function ownIp(interfaces) {
  return Object.values(interfaces).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address ?? '127.0.0.1';
}

/**
 * Compose names containers <project>-<service>-<N>; a container cannot read its own name,
 * but Docker's embedded DNS answers the reverse lookup of its IP with that name. Done once,
 * in the background: requests never wait for it, and the fields stay null if it fails.
 * A PTR query, not dns.reverse(): that reads /etc/hosts first, which maps the IP to the
 * container ID, and then returns no names at all.
 */
export async function lookupComposeName(ip) {
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  const timer = setTimeout(() => resolver.cancel(), 2500).unref();
  try {
    const names = await resolver.resolvePtr(`${ip.split('.').reverse().join('.')}.in-addr.arpa`);
    return names.map(parsePtrName).find((p) => p.replica !== null) ?? { service: null, replica: null };
  } catch {
    return { service: null, replica: null };
  } finally {
    clearTimeout(timer);
  }
}
