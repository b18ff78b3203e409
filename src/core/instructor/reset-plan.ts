import { isAbsolute, resolve } from 'node:path';
import { builtByLab, LABEL, ownedByLab, type Labels } from '../labels.ts';
import { describeCleanup, type WorkspaceCleanup } from '../workspace-files.ts';

export { isLabState } from '../workspace-files.ts';

/** The fields of Docker's list responses that reset looks at (as dockerode returns them). */
export interface ContainerRow {
  Id: string;
  Names?: string[];
  Image?: string;
  ImageID?: string;
  State?: string;
  Labels?: Record<string, string> | null;
}
interface NetworkRow {
  Id: string;
  Name: string;
  Labels?: Record<string, string> | null;
}
interface VolumeRow {
  Name: string;
  Labels?: Record<string, string> | null;
}
export interface ImageRow {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Labels?: Record<string, string> | null;
}

export interface ResetInput {
  containers: ContainerRow[];
  networks: NetworkRow[];
  volumes: VolumeRow[];
  images: ImageRow[];
  /** Image references the lab definitions name, after --image/LAB_IMAGES substitution, with the labs naming them. */
  labImages: Map<string, string[]>;
  includeImages: boolean;
  /** Labels of the images the candidate containers run, by image ID: what a container inherits proves nothing. */
  imageLabels: Map<string, Labels>;
  /** Directories under labHome/workspaces (reset-engine.ts then looks in each for what lab wrote). */
  workspaceDirs: string[];
}

export interface ResetPlan {
  containers: { id: string; name: string; project: string; running: boolean }[];
  networks: { id: string; name: string; project: string }[];
  volumes: { name: string; project: string }[];
  /** Each image with the references to remove (untagging the last one deletes it). */
  images: { id: string; refs: string[]; why: string }[];
  /** Images reset would have removed but leaves, and why. */
  kept: { ref: string; reason: string }[];
  /** Candidate workspace directories; in each, only what lab wrote is deleted (core/workspace-files.ts). */
  workspaces: string[];
}

const nameOf = (c: ContainerRow) => (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');
const realTags = (i: ImageRow) => (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>');

/** Docker lists "haproxy" as "haproxy:latest"; a digest reference keeps its digest. */
export const normalizeRef = (ref: string): string => (ref.includes('@') || /:[^/]+$/.test(ref) ? ref : `${ref}:latest`);

/**
 * Decide what `lab reset` removes, from plain lists of what the engine has. Pure, so the rules
 * "only what lab created (core/labels.ts ownedByLab), and never an image a non-lab container
 * uses" are tested on any list, including look-alikes such as a user's container named
 * lab-03-load-balancing-app-1 or one started from an image that carries lab's labels.
 */
export function planReset(input: ResetInput): ResetPlan {
  const owned = (c: ContainerRow) => ownedByLab(c.Labels, input.imageLabels.get(c.ImageID ?? ''));
  const labContainers = input.containers.filter(owned);
  const plan: ResetPlan = {
    containers: labContainers.map((c) => ({
      id: c.Id,
      name: nameOf(c),
      project: c.Labels?.[LABEL.project] ?? '',
      running: c.State === 'running',
    })),
    networks: input.networks
      .filter((n) => ownedByLab(n.Labels))
      .map((n) => ({ id: n.Id, name: n.Name, project: n.Labels?.[LABEL.project] ?? '' })),
    volumes: input.volumes
      .filter((v) => ownedByLab(v.Labels))
      .map((v) => ({ name: v.Name, project: v.Labels?.[LABEL.project] ?? '' })),
    images: [],
    kept: [],
    workspaces: workspaceCandidates(input.workspaceDirs, labContainers),
  };
  if (input.includeImages)
    Object.assign(
      plan,
      planImages(
        input,
        input.containers.filter((c) => !owned(c)),
      ),
    );
  return plan;
}

function planImages(input: ResetInput, others: ContainerRow[]): Pick<ResetPlan, 'images' | 'kept'> {
  const named = new Map([...input.labImages].map(([ref, labs]) => [normalizeRef(ref), labs]));
  const images: ResetPlan['images'] = [];
  const kept: ResetPlan['kept'] = [];
  for (const image of input.images) {
    const refs = [...realTags(image), ...(image.RepoDigests ?? [])];
    const labRefs = refs.filter((r) => named.has(r));
    // An image built FROM a lab image inherits its labels: lab's build has a lab's tag, or
    // none left (an older build of it).
    const built = builtByLab(image.Labels) && (labRefs.length > 0 || realTags(image).length === 0);
    if (!built && labRefs.length === 0) continue;
    // A lab-built image goes with all its tags; an image lab only names loses just lab's tags,
    // so a user's own tag of the same image (user/keep:1) keeps it.
    const remove = built
      ? realTags(image).length
        ? realTags(image)
        : [image.Id]
      : labRefs.filter((r) => !r.includes('@'));
    const users = others.filter(
      (c) =>
        c.ImageID === image.Id ||
        (c.Image !== undefined && (c.Image === image.Id || refs.includes(normalizeRef(c.Image)))),
    );
    if (users.length) {
      const reason = `used by container ${users.map(nameOf).join(', ')}, which lab did not create`;
      for (const ref of remove) kept.push({ ref, reason });
      continue;
    }
    if (remove.length === 0) continue;
    const labs = [...new Set(labRefs.flatMap((r) => named.get(r) ?? []))];
    images.push({ id: image.Id, refs: remove, why: built ? 'built by lab' : `named by lab ${labs.join(', ')}` });
  }
  // Built images first: they sit on top of the base images the labs name.
  images.sort((a, b) => Number(b.why === 'built by lab') - Number(a.why === 'built by lab'));
  return { images, kept };
}

function workspaceCandidates(dirs: string[], labContainers: ContainerRow[]): string[] {
  const labelled = labContainers.map((c) => c.Labels?.[LABEL.workspace] ?? '').filter((d) => d && isAbsolute(d));
  return [...new Set([...dirs, ...labelled].map((d) => resolve(d)))].filter((d) => d !== resolve('/')).sort();
}

export const planSize = (p: ResetPlan, workspaces = p.workspaces.length): number =>
  p.containers.length + p.networks.length + p.volumes.length + p.images.length + workspaces;

const shortId = (ref: string) => (/^sha256:[0-9a-f]{64}$/.test(ref) ? `${ref.slice(7, 19)} (untagged)` : ref);

/** The plan as lines of text, one object a line, grouped by kind. Pure. */
export function describePlan(p: ResetPlan, workspaces: WorkspaceCleanup[]): string[] {
  const group = (title: string, items: string[]) =>
    items.length ? [`${title} (${items.length}):`, ...items.map((i) => `  ${i}`)] : [];
  return [
    ...group(
      'Containers',
      p.containers.map((c) => `${c.name}  (project ${c.project || '?'}${c.running ? ', running' : ''})`),
    ),
    ...group(
      'Networks',
      p.networks.map((n) => n.name),
    ),
    ...group(
      'Volumes',
      p.volumes.map((v) => v.name),
    ),
    ...group(
      'Images',
      p.images.map((i) => `${i.refs.map(shortId).join(', ')}  (${i.why})`),
    ),
    ...group('Workspaces', workspaces.map(describeCleanup)),
    ...group(
      'Kept',
      p.kept.map((k) => `image ${k.ref}: ${k.reason}`),
    ),
  ];
}
