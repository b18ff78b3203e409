import type { LoadedLab } from '../config/labs.ts';
import { EnvironmentError, RuntimeError, UsageError } from '../core/errors.ts';
import { substitute } from '../core/images.ts';
import { BACKING_ROLE, IMAGE_LABEL } from '../core/labels.ts';
import { CLIENT_SERVICE } from '../core/render-clients.ts';
import { labServices } from '../core/services.ts';
import type { RenderOptions } from '../core/options.ts';
import { HAPROXY_STATS_PORT } from '../core/render-haproxy.ts';
import { foreignInProject, type LabContainer, labContainers } from '../docker/engine.ts';
import type { StatsEndpoint } from '../haproxy/stats-client.ts';
import { type Engine, publishedHost } from './engine.ts';
import type { WorkspaceState } from './workspace.ts';

/** A lab's compose project on an engine: its containers, its HAProxy's stats, its app image. */

/**
 * Compose's build flag for the app image: --no-build when the image present was built from
 * this same build context (its hash label matches), else --build. Compose 2.26 alone never
 * rebuilds an image that exists, even with pull_policy: build, so a changed app would
 * otherwise keep running its old code. An image built by an earlier lab (its hash under the
 * old label name, next to lab.managed) is rebuilt too, so its containers stop inheriting lab.managed.
 */
export async function buildFlag(
  engine: Engine,
  loaded: LoadedLab,
  options: RenderOptions,
): Promise<'--build' | '--no-build' | undefined> {
  const built = labServices(loaded.lab).flatMap((s) =>
    loaded.builds[s.name]?.hash ? [{ image: s.image, hash: loaded.builds[s.name]!.hash }] : [],
  );
  if (built.length === 0) return undefined;
  // Every built image must carry its context's hash; one stale image rebuilds them all.
  const fresh = await Promise.all(
    built.map(
      async (b) =>
        (
          await engine.docker
            .getImage(substitute(b.image, options.images))
            .inspect()
            .catch(() => undefined)
        )?.Config?.Labels?.[IMAGE_LABEL.buildHash] === b.hash,
    ),
  );
  return fresh.every(Boolean) ? '--no-build' : '--build';
}

/**
 * Before compose touches a project: refuse when a container that is not lab's carries the
 * project's compose labels (docker/engine.ts foreignInProject), rather than let compose take it
 * for a replica and recreate or remove it. Nothing is started or deleted.
 */
export async function refuseForeignInProject(engine: Engine, project: string, short: string): Promise<void> {
  const foreign = await foreignInProject(engine.docker, project);
  if (foreign.length === 0) return;
  const first = foreign[0]!;
  throw new EnvironmentError(
    `${foreign.length > 1 ? `Containers ${first.name} and ${foreign.length - 1} more carry` : `Container ${first.name} carries`} the compose labels of project ${project} but lab did not create it (they come from its image ${first.image}, e.g. a docker commit of a lab container): docker compose would take it for a replica of the lab and could recreate or remove it`,
    {
      details: foreign.map((f) => `${f.name} (image ${f.image})`),
      hint: `Run the lab under another project: lab up ${short} --project ${project}-2; or, if the container is yours to remove: docker rm -f ${foreign.map((f) => f.name).join(' ')}`,
    },
  );
}

export function statsEndpoint(
  engine: Engine,
  haproxy: LabContainer,
  state: Pick<WorkspaceState['options'], 'statsUser' | 'statsPassword'>,
): StatsEndpoint {
  const port = haproxy.ports[HAPROXY_STATS_PORT];
  if (!port)
    throw new RuntimeError(
      `HAProxy (${haproxy.name}) publishes no stats port; is it running? (state: ${haproxy.state})`,
      { hint: 'Run lab up again to converge the lab' },
    );
  return { host: publishedHost(engine.endpoint), port, user: state.statsUser, password: state.statsPassword };
}

/** An app replica: not HAProxy, not one of the lab's clients, not a backing service. */
export const isAppReplica = (c: Pick<LabContainer, 'service' | 'role'>): boolean =>
  c.service !== 'haproxy' && c.service !== CLIENT_SERVICE && c.role !== BACKING_ROLE;

/** The containers of a running project, or a clear error when nothing runs. */
export async function runningProject(
  engine: Engine,
  project: string,
  labRef: string,
): Promise<{ all: LabContainer[]; haproxy: LabContainer; apps: LabContainer[] }> {
  const all = await labContainers(engine.docker, project);
  const haproxy = all.find((c) => c.service === 'haproxy');
  if (!haproxy) {
    throw new UsageError(`Lab ${labRef} is not running (no containers of project ${project})`, {
      hint: `Start it with: lab up ${labRef}`,
    });
  }
  // Every compose service but HAProxy, the clients and backing services (a Redis) is an app
  // service of the lab (core/services.ts): the ones HAProxy balances and checks judge.
  return { all, haproxy, apps: all.filter(isAppReplica) };
}
