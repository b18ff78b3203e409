/**
 * Where this machine reaches the ports a lab publishes. Compose publishes on the engine's
 * machine: on its 127.0.0.1 unless --expose. A local engine (a socket) shares this machine's
 * loopback; a tcp:// or ssh:// engine is reached at its host name, where a port published on
 * loopback only is reachable just when that name is this machine's loopback too. Pure.
 */
const LOCAL = /^(unix|npipe):/;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/i;

/** The host name the published ports of an engine are reached on. */
export const publishedHostOf = (engineHost: string): string =>
  LOCAL.test(engineHost) ? '127.0.0.1' : new URL(engineHost).hostname;

/**
 * Why lab cannot reach a lab's published ports from here, or undefined when it can: the engine
 * is on another machine and the lab publishes on that machine's loopback only.
 */
export function unreachablePorts(engineHost: string, expose: boolean): string | undefined {
  if (expose || LOCAL.test(engineHost)) return undefined;
  const name = publishedHostOf(engineHost);
  if (LOOPBACK.test(name)) return undefined;
  return `the lab on ${engineHost} publishes its ports on ${name}'s 127.0.0.1 only (it was started without --expose), which this machine cannot reach`;
}
