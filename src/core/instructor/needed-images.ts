import type { Lab } from '../lab-schema.ts';
import { type BuildContext, buildArgsOf, imagesOf, substitute } from '../images.ts';
import { labServices } from '../services.ts';

/** One image a set of labs needs on an engine, after --image/LAB_IMAGES substitution. */
export interface NeededImage {
  ref: string;
  /** pull: from a registry (or a bundle); build: the lab's own app, built from its context. */
  kind: 'pull' | 'build';
  role: 'load balancer' | 'base' | 'app';
  labs: string[];
  build?: { context: string; args: Record<string, string>; lab: string; hash?: string };
}

export interface LabImages {
  lab: Lab;
  /** Each building service's absolute build context and its hash (labelled on the built image), by service name. */
  builds?: Record<string, BuildContext>;
  /** Substitutions FROM=TO, resolved. */
  images: Record<string, string>;
}

/**
 * Every image the labs need, each once: what to pull first (load balancers, base images, apps
 * that are not built), then what to build (whose base images are then present). Pure.
 */
export function neededImages(labs: readonly LabImages[]): NeededImage[] {
  const byRef = new Map<string, NeededImage>();
  const add = (need: NeededImage) => {
    const known = byRef.get(need.ref);
    if (known) known.labs = [...new Set([...known.labs, ...need.labs])];
    else byRef.set(need.ref, need);
  };
  for (const { lab, builds, images } of labs) {
    const { pulled, base, built } = imagesOf(lab);
    const labs = [lab.id];
    add({ ref: substitute(lab.loadBalancer.image, images), kind: 'pull', role: 'load balancer', labs });
    for (const ref of pulled.slice(1))
      add({ ref: substitute(ref, images), kind: 'pull', role: base.includes(ref) ? 'base' : 'app', labs });
    for (const ref of built) {
      // Services that share an image build it from the first one's context.
      const service = labServices(lab).find((s) => s.build && s.image === ref)!;
      const b = builds?.[service.name];
      add({
        ref: substitute(ref, images),
        kind: 'build',
        role: 'app',
        labs,
        build: { context: b?.context ?? '', args: buildArgsOf(service, images), lab: lab.id, hash: b?.hash },
      });
    }
  }
  const all = [...byRef.values()];
  return [...all.filter((n) => n.kind === 'pull'), ...all.filter((n) => n.kind === 'build')];
}
