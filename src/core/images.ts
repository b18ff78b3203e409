import type { Lab } from './lab-schema.ts';
import { labServices, type LabService } from './services.ts';

/** Apply --image FROM=TO substitutions (a classroom mirror, or a local build in tests). */
export const substitute = (ref: string, images: Record<string, string>): string => images[ref] ?? ref;

/** A service's build context on this machine and the hash of its files (config/build-hash.ts). */
export interface BuildContext {
  context: string;
  hash?: string;
}

/** A service's build arguments with --image substitutions applied (a base image is an image too). */
export const buildArgsOf = (
  service: Pick<LabService, 'build'>,
  images: Record<string, string>,
): Record<string, string> =>
  Object.fromEntries(Object.entries(service.build?.args ?? {}).map(([k, v]) => [k, substitute(v, images)]));

const isImageRef = (v: string) => v.includes(':') || v.includes('/');
const unique = (refs: string[]) => [...new Set(refs)];

/**
 * Every image reference a lab names, each once: the load balancer first, then base images of
 * builds, then app images pulled as they are; `built` are the images the lab builds itself.
 */
export function imagesOf(lab: Lab): { pulled: string[]; base: string[]; built: string[] } {
  const services = labServices(lab);
  const builders = services.filter((s) => s.build);
  const base = unique(builders.flatMap((s) => Object.values(s.build?.args ?? {}).filter(isImageRef)));
  const built = unique(builders.map((s) => s.image));
  const apps = unique(services.filter((s) => !s.build && !built.includes(s.image)).map((s) => s.image));
  const backing = Object.values(lab.backing ?? {}).map((b) => b.image);
  return { pulled: unique([lab.loadBalancer.image, ...base, ...apps, ...backing]), base, built };
}
