import type { Lab } from './lab-schema.ts';

/** Apply --image FROM=TO substitutions (a classroom mirror, or a local build in tests). */
export const substitute = (ref: string, images: Record<string, string>): string => images[ref] ?? ref;

/** Every image reference a lab names: the app image, the load balancer, and base images of builds. */
export function imagesOf(lab: Lab): { pulled: string[]; built: string[] } {
  const baseImages = Object.values(lab.app.build?.args ?? {}).filter((v) => v.includes(':') || v.includes('/'));
  return lab.app.build
    ? { pulled: [lab.loadBalancer.image, ...baseImages], built: [lab.app.image] }
    : { pulled: [lab.loadBalancer.image, lab.app.image], built: [] };
}
