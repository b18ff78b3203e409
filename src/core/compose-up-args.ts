/** When `docker compose up` pulls images (its --pull). */
export const PULL_POLICIES = ['missing', 'never', 'always'] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];

export interface ComposeUp {
  pull: PullPolicy;
  /** For a lab that builds its app image: engine/project.ts buildFlag decides. */
  build?: '--build' | '--no-build';
  /** Only add or remove app replicas; running containers, HAProxy among them, are kept (scale). */
  keepRunning: boolean;
  /** Remove containers of services the compose file no longer has (up). */
  removeOrphans: boolean;
}

/** The arguments of the one `docker compose up` that both lab up and lab scale run. Pure. */
export function composeUpArgs(o: ComposeUp): string[] {
  return [
    'up',
    '--detach',
    ...(o.removeOrphans ? ['--remove-orphans'] : []),
    ...(o.keepRunning ? ['--no-recreate'] : []),
    '--pull',
    o.pull,
    ...(o.build ? [o.build] : []),
  ];
}
