import type { Context } from '../cli/context.ts';
import { EnvironmentError, RuntimeError } from '../core/errors.ts';
import type { SwarmNode } from '../core/swarm.ts';
import { copyPlan, type NodeHosts, nodesToReach, type StackImage } from '../core/swarm-images.ts';
import { resolveEndpoint } from '../docker/endpoint.ts';
import { buildImage, imageInfo, loadImage } from '../instructor/images-engine.ts';
import type { Progress } from '../ui/output.ts';
import { type Engine, openEngine } from './engine.ts';

export interface ImagesOnNodes {
  /** Images lab built on the manager (their build context changed, or never built there). */
  built: string[];
  /** Images copied, per node. */
  copied: { node: string; images: string[] }[];
  /** Ready nodes lab could not copy to: no --node-host names them. */
  unreached: string[];
}

/**
 * Make sure the stack's images are where its tasks run, before anything is deployed: build
 * the lab's own image on the manager under its hash tag (swarm-images.ts hashTagged) unless it
 * is there, then, for every ready node --node-host reaches, copy (docker save | docker load)
 * what that node lacks from the manager. A manager cannot list another node's images through
 * the API, so without --node-host lab copies nothing and a task that finds no image is
 * reported by `lab up` at once (core/swarm.ts taskProblem).
 */
export async function ensureSwarmImages(
  ctx: Context,
  engine: Engine,
  images: readonly StackImage[],
  nodes: readonly SwarmNode[],
  hosts: NodeHosts,
  progress: Progress,
): Promise<ImagesOnNodes> {
  const { reached, unreached } = nodesToReach(hosts, nodes);
  const built: string[] = [];
  for (const image of images.filter((i) => i.build)) {
    if (await imageInfo(engine.docker, image.ref)) continue;
    progress.update(`Building ${image.ref} on the manager (its build context changed)`);
    await buildImage(
      engine.endpoint,
      { ref: image.ref, kind: 'build', role: 'app', labs: [image.build!.lab], build: image.build! },
      ctx.out,
      ctx.signal,
    );
    built.push(image.ref);
  }
  const refs = images.map((i) => i.ref);
  if (reached.length === 0) return { built, copied: [], unreached };

  const onManager = await Promise.all(
    refs.map(async (ref) => ((await imageInfo(engine.docker, ref)) ? undefined : ref)),
  );
  const absent = onManager.filter(Boolean);
  if (absent.length) {
    throw new EnvironmentError(
      `The manager (${engine.endpoint.host}) has no ${absent.join(', ')} to copy to the nodes`,
      {
        hint: `Pull or load it there first (lab --host ${engine.endpoint.host} prepare <lab>), or map it with --image to one it has`,
      },
    );
  }
  progress.update(`Looking for ${refs.join(', ')} on ${reached.length} node(s)`);
  const engines = await Promise.all(
    reached.map(async ({ node, host }) => {
      const where = `${node.hostname}'s engine (${host}, from --node-host)`;
      try {
        return { node: node.hostname, ...(await nodeImages(ctx, host, refs)) };
      } catch (err) {
        throw new EnvironmentError(`Cannot reach ${where}: ${(err as Error).message}`, {
          hint: `Check that docker -H ${host} info works from here, or fix --node-host`,
        });
      }
    }),
  );
  const plan = copyPlan(
    refs,
    engines.map((e) => e.node),
    Object.fromEntries(engines.map((e) => [e.node, e.has])),
  );
  progress.update(`Copying ${plan.map((p) => `${p.images.length} image(s) to ${p.node}`).join(', ')}`);
  await Promise.all(
    plan.map(async (p) => {
      const to = engines.find((e) => e.node === p.node)!.engine;
      // One image at a time per node: each `docker save` stream goes straight into `docker load`.
      for (const ref of p.images) {
        await loadImage(to.docker, (await engine.docker.getImage(ref).get()) as NodeJS.ReadableStream).catch(
          (e: Error) => {
            throw new RuntimeError(`Copying ${ref} from the manager to ${p.node} failed: ${e.message}`, {
              hint: `Is there room on ${p.node}? docker -H ${reached.find((r) => r.node.hostname === p.node)!.host} system df`,
            });
          },
        );
      }
    }),
  );
  return { built, copied: plan, unreached };
}

/** A node's own engine (its --node-host) and which of `refs` it has; throws when it cannot be reached. */
export async function nodeImages(
  ctx: Context,
  host: string,
  refs: readonly string[],
): Promise<{ engine: Engine; has: string[] }> {
  const engine = await openEngine(ctx, await resolveEndpoint(ctx.env, host));
  const has = await Promise.all(refs.map(async (ref) => ((await imageInfo(engine.docker, ref)) ? ref : undefined)));
  return { engine, has: has.filter((r): r is string => r !== undefined) };
}
