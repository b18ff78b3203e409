/**
 * Labels on every container, network, volume and built image lab creates. Cleanup, status and
 * reset select Docker objects by these labels only, never by name, so nothing a user made by
 * hand is touched even when its name looks like a lab's.
 */
export const LABEL = {
  managed: 'lab.managed',
  lab: 'lab.id',
  project: 'lab.project',
  workspace: 'lab.workspace',
  /** On built app images: the hash of the build context they were built from. */
  buildHash: 'lab.build-hash',
} as const;

export const labelsFor = (labId: string, project: string, workspace: string): Record<string, string> => ({
  [LABEL.managed]: 'true',
  [LABEL.lab]: labId,
  [LABEL.project]: project,
  [LABEL.workspace]: workspace,
});

/** Docker API filter for everything lab manages, optionally narrowed to one project. */
export const labelFilter = (project?: string): string[] =>
  project ? [`${LABEL.managed}=true`, `${LABEL.project}=${project}`] : [`${LABEL.managed}=true`];

/** Compose's own labels, used to tell services and replicas apart. */
export const COMPOSE_LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
} as const;
