/**
 * Labels lab puts on what it creates, and the one rule that decides whether a Docker object is
 * lab's. Cleanup, status, doctor and reset select by this rule only, never by name, so nothing
 * a user made by hand is touched even when its name looks like a lab's.
 */
export type Labels = Record<string, string>;

/** On every object of a Swarm stack lab deploys (core/render-stack.ts): tells them from Compose's. */
export const TARGET_LABEL = 'lab.target';

/** Container-level labels: on every container and network lab's compose file creates. */
export const LABEL = {
  managed: 'lab.managed',
  lab: 'lab.id',
  project: 'lab.project',
  workspace: 'lab.workspace',
  /** What a container is to the lab when it is not an app replica: `backing` (a Redis). */
  role: 'lab.role',
  /** The version an app replica runs (its VERSION), when the lab file gives one: lab rollout changes it replica by replica. */
  version: 'lab.version',
} as const;

/** lab.role of a backing service's container (lab-schema.ts `backing:`). */
export const BACKING_ROLE = 'backing';

/**
 * Labels on the app images lab builds. Never lab.managed or lab.project: Docker copies an
 * image's labels onto every container started from it, so those would mark a user's
 * `docker run lab/whoami:1` as lab's.
 */
export const IMAGE_LABEL = {
  /** The lab an image was built for, by lab (what `lab reset --images` looks for). */
  builtFor: 'lab.image.built-for',
  /** The hash of the build context the image was built from (config/build-hash.ts). */
  buildHash: 'lab.image.build-hash',
} as const;

export const labelsFor = (labId: string, project: string, workspace: string): Labels => ({
  [LABEL.managed]: 'true',
  [LABEL.lab]: labId,
  [LABEL.project]: project,
  [LABEL.workspace]: workspace,
});

/**
 * Docker API filter that narrows a listing to candidates (optionally of one project). A
 * candidate is lab's only if `ownedByLab` says so: the filter cannot see where a label came from.
 */
export const labelFilter = (project?: string): string[] =>
  project ? [`${LABEL.managed}=true`, `${LABEL.project}=${project}`] : [`${LABEL.managed}=true`];

/** Compose's own labels, used to tell services and replicas apart. */
export const COMPOSE_LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  /** "False" on a service's containers; compose counts only those as the project's replicas. */
  oneoff: 'com.docker.compose.oneoff',
} as const;

/**
 * Labels of the throwaway container that runs `haproxy -c` on a student's file (lab apply, lab
 * up). lab creates it itself, not compose, so lab sets compose's project label too: with it the
 * container is lab's by the one rule (ownedByLab), and `lab down` and `lab reset` remove one
 * that a killed lab left behind. oneoff "True", as on `compose run` containers: compose never
 * counts it as a replica of the project, nor adopts it.
 */
export const configCheckLabels = (labId: string, project: string, workspace: string): Labels => ({
  ...labelsFor(labId, project, workspace),
  [COMPOSE_LABEL.project]: project,
  [COMPOSE_LABEL.service]: 'config-check',
  [COMPOSE_LABEL.oneoff]: 'True',
});

/**
 * Why a container (or a network or volume: pass no image labels) is not lab's, or undefined
 * when it is. Pure. The proof is lab.project: lab's compose file sets it on each container,
 * compose sets com.docker.compose.project to the same project, and lab.managed=true marks it.
 * Docker copies an image's labels onto every container started from it, so a label whose value
 * the image supplies proves nothing. lab never puts lab.project on an image, but a `docker
 * commit` of a lab container carries it, and so does every container a user starts from that.
 * lab.managed alone proves nothing either: images built by earlier versions of lab carry it.
 * compose.project may equal the image's (compose labels the images it builds with the project
 * that built them); compose sets it on every container it creates, whatever the image says.
 */
export function whyNotLabs(
  container: Labels | null | undefined,
  image: Labels | null | undefined = {},
): string | undefined {
  const c = container ?? {};
  const i = image ?? {};
  const project = c[LABEL.project];
  if (c[LABEL.managed] !== 'true') return `no ${LABEL.managed}=true label`;
  if (!project) return `no ${LABEL.project} label`;
  if (i[LABEL.project] === project) return `its ${LABEL.project} label comes from its image`;
  if (c[COMPOSE_LABEL.project] !== project)
    return `${COMPOSE_LABEL.project} (${c[COMPOSE_LABEL.project] ?? 'absent'}) is not its ${LABEL.project} (${project})`;
  return undefined;
}

/** Whether a container (with its image's labels), a network or a volume is lab's own. Pure. */
export const ownedByLab = (container: Labels | null | undefined, image?: Labels | null): boolean =>
  whyNotLabs(container, image) === undefined;

/**
 * Whether an image is one lab built: it carries lab's image label (or lab.managed, which
 * earlier versions of lab put on the images they built) and no lab.project or lab.workspace,
 * which only an image committed from a lab container has. Pure. An image built FROM a lab
 * image inherits these labels too, so reset also wants a lab's tag or none (reset-plan.ts).
 */
export function builtByLab(image: Labels | null | undefined): boolean {
  const i = image ?? {};
  const marked = Boolean(i[IMAGE_LABEL.builtFor]) || i[LABEL.managed] === 'true';
  return marked && i[LABEL.project] === undefined && i[LABEL.workspace] === undefined;
}
