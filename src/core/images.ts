import type { Lab } from './lab-schema.ts';

/** Apply --image FROM=TO substitutions (a classroom mirror, or a local build in tests). */
export const substitute = (ref: string, images: Record<string, string>): string => images[ref] ?? ref;

/** The app's build arguments with --image substitutions applied (a base image is an image too). */
export const buildArgsOf = (lab: Lab, images: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(lab.app.build?.args ?? {}).map(([k, v]) => [k, substitute(v, images)]));

/** Every image reference a lab names: the app image, the load balancer, and base images of builds. */
export function imagesOf(lab: Lab): { pulled: string[]; built: string[] } {
  const baseImages = Object.values(lab.app.build?.args ?? {}).filter((v) => v.includes(':') || v.includes('/'));
  return lab.app.build
    ? { pulled: [lab.loadBalancer.image, ...baseImages], built: [lab.app.image] }
    : { pulled: [lab.loadBalancer.image, lab.app.image], built: [] };
}
