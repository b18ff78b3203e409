import { UsageError } from './errors.ts';
import type { RenderOptions } from './options.ts';
import { parseReplicas } from './options.ts';

/**
 * What `lab scale <lab> <counts...>` asks for: a bare count for a lab of one service
 * (`lab scale 03 5`), or `service=count` for any service (`lab scale 09 web=5 api=2`). Pure.
 */
export function parseScale(
  args: readonly string[],
  services: readonly string[],
  short: string,
): Record<string, number> {
  const example = `lab scale ${short} ${services.map((s, i) => `${s}=${i + 2}`).join(' ')}`;
  const counts: Record<string, number> = {};
  for (const arg of args) {
    const named = /^([^=]*)=(.*)$/.exec(arg);
    if (!named) {
      if (services.length > 1 || args.length > 1) {
        throw new UsageError(
          `"${arg}": lab ${short} has ${services.length} services (${services.join(', ')}); say which one to scale as service=count`,
          { hint: `e.g. ${example}` },
        );
      }
      counts[services[0]!] = parseReplicas(arg, '<replicas>');
      continue;
    }
    const [, service = '', count = ''] = named;
    if (!services.includes(service)) {
      throw new UsageError(`"${arg}" names no service of lab ${short}: its services are ${services.join(', ')}`, {
        hint: `e.g. ${example}`,
      });
    }
    if (counts[service] !== undefined)
      throw new UsageError(`"${arg}": ${service} is given twice`, { hint: `e.g. ${example}` });
    counts[service] = parseReplicas(count, service);
  }
  return counts;
}

/**
 * The options with new counts. A lab of one service keeps its count in `replicas`, so its
 * options read as before services existed; several services keep theirs in serviceReplicas.
 */
export function withCounts(
  o: RenderOptions,
  counts: Record<string, number>,
  services: readonly string[],
): RenderOptions {
  const only = services.length === 1 ? services[0]! : undefined;
  if (only !== undefined && counts[only] !== undefined) {
    const { [only]: _, ...rest } = o.serviceReplicas ?? {};
    const { serviceReplicas: _old, ...base } = o;
    return { ...base, replicas: counts[only], ...(Object.keys(rest).length ? { serviceReplicas: rest } : {}) };
  }
  return { ...o, serviceReplicas: { ...o.serviceReplicas, ...counts } };
}
