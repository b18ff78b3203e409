import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import { execa } from 'execa';
import { IMAGE_LABEL } from '../core/labels.ts';
import type { Endpoint } from '../docker/endpoint.ts';
import { EnvironmentError, InterruptedError, RuntimeError } from '../core/errors.ts';
import type { Output } from '../ui/output.ts';
import type { NeededImage } from '../core/instructor/needed-images.ts';

/** An image's ID and size, or undefined when the engine does not have it. */
export async function imageInfo(docker: Dockerode, ref: string): Promise<{ id: string; size: number } | undefined> {
  try {
    const i = await docker.getImage(ref).inspect();
    return { id: i.Id, size: i.Size };
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw e;
  }
}

/** Whether the engine has an image (404: no); other errors are thrown. */
export const imagePresent = async (docker: Dockerode, ref: string): Promise<boolean> =>
  (await imageInfo(docker, ref)) !== undefined;

interface ProgressEvent {
  status?: string;
  id?: string;
  progress?: string;
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * Follow a pull or load stream to its end. The engine reports failures inside the stream as
 * `{ "error": … }` events with HTTP 200, which docker-modem's followProgress passes on as
 * ordinary events (apocas/docker-modem lib/modem.js), so they are looked for here.
 */
function follow(
  docker: Dockerode,
  stream: NodeJS.ReadableStream,
  onEvent: (e: ProgressEvent) => void,
): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, events: ProgressEvent[]) => {
        const failed = events?.find((e) => e.error || e.errorDetail);
        if (err) reject(err);
        else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error));
        else resolve(events);
      },
      onEvent,
    );
  });
}

/** Pull through the Engine API (dockerode), reporting layer progress. */
export async function pullImage(docker: Dockerode, ref: string, onProgress: (text: string) => void): Promise<void> {
  try {
    const stream = (await docker.pull(ref)) as NodeJS.ReadableStream;
    await follow(
      docker,
      stream,
      (e) =>
        e.status && onProgress(`${ref}: ${e.status}${e.id ? ` ${e.id}` : ''}${e.progress ? ` ${e.progress}` : ''}`),
    );
  } catch (e) {
    // .ci/setup.sh reads "Could not pull" (with exit 3) as "no registry": keep the words.
    throw new EnvironmentError(`Could not pull ${ref}: ${(e as Error).message.trim()}`, {
      hint: 'Without a registry: load a bundle made on a connected machine (lab prepare --load bundle.tar), or map the image with --image FROM=TO',
    });
  }
}

/**
 * Build a lab's own app image the way compose does (same context and build args), through the
 * docker CLI pinned to the endpoint. It gets the image-level labels compose's build gets
 * (core/labels.ts IMAGE_LABEL), so `lab reset --images` finds it and `lab up` knows it is current.
 */
export async function buildImage(
  endpoint: Endpoint,
  need: NeededImage,
  out: Output,
  signal: AbortSignal,
): Promise<void> {
  const b = need.build!;
  const argv = ['build', '--tag', need.ref, '--label', `${IMAGE_LABEL.builtFor}=${b.lab}`];
  if (b.hash) argv.push('--label', `${IMAGE_LABEL.buildHash}=${b.hash}`);
  for (const [k, v] of Object.entries(b.args)) argv.push('--build-arg', `${k}=${v}`);
  argv.push(b.context);
  out.debug(`$ docker ${argv.join(' ')}`);
  const r = await execa('docker', argv, {
    env: endpoint.env,
    reject: false,
    cancelSignal: signal,
    stdin: 'ignore',
    all: true,
  });
  if (r.isCanceled) throw new InterruptedError(`Interrupted while building ${need.ref}`);
  if (r.failed) {
    const tail = String(r.all ?? '')
      .trim()
      .split('\n')
      .slice(-8);
    throw new RuntimeError(`Building ${need.ref} from ${b.context} failed (exit ${r.exitCode})`, {
      details: tail,
      hint: 'Are its base images present? Run lab doctor',
    });
  }
}

/** Hash bytes as they pass. */
function hashing(hash: ReturnType<typeof createHash>, counter: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      counter.bytes += chunk.length;
      done(null, chunk);
    },
  });
}

/** `docker save` of one image into a file, hashed on the way. */
export async function saveImage(
  docker: Dockerode,
  ref: string,
  file: string,
): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  const counter = { bytes: 0 };
  const stream = (await docker.getImage(ref).get()) as NodeJS.ReadableStream;
  await pipeline(stream, hashing(hash, counter), createWriteStream(file));
  return { bytes: counter.bytes, sha256: hash.digest('hex') };
}

/** sha256 and size of a stream's bytes. */
export async function streamFacts(stream: NodeJS.ReadableStream): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  const counter = { bytes: 0 };
  await pipeline(stream, hashing(hash, counter), new Writable({ write: (_c, _e, done) => done() }));
  return { bytes: counter.bytes, sha256: hash.digest('hex') };
}

/** `docker load` of one image tarball, streamed through the Engine API. */
export async function loadImage(docker: Dockerode, tarball: NodeJS.ReadableStream): Promise<string[]> {
  const stream = (await docker.loadImage(tarball, { quiet: true } as object)) as NodeJS.ReadableStream;
  const events = await follow(docker, stream, () => {});
  return events.map((e) => e.stream?.trim() ?? e.status ?? '').filter(Boolean);
}
