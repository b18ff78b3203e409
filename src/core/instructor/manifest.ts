import * as z from 'zod';

/**
 * A bundle carries a lab's images to machines with no registry. Layout: an uncompressed tar
 * holding `manifest.json` first, then `images/1.tar`, `images/2.tar`, … one `docker save` of
 * one image each. The manifest names the labs, and for every image its reference, image ID,
 * size, file, byte count and the sha256 of the file, so a damaged or tampered bundle is
 * refused before anything is loaded.
 */
const BUNDLE_FORMAT = 'lab-bundle/1';
export const MANIFEST_FILE = 'manifest.json';
export const imageFile = (n: number): string => `images/${n}.tar`;
const IMAGE_FILE = /^images\/[1-9][0-9]{0,3}\.tar$/;

const ImageEntry = z.strictObject({
  ref: z.string().min(1),
  /** Image ID (the config digest): the same on every engine the image is loaded into. */
  id: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  /** Size of the image as the engine reports it, in bytes. */
  size: z.number().int().nonnegative(),
  role: z.string(),
  labs: z.array(z.string()),
  file: z.string().regex(IMAGE_FILE),
  /** Size of the saved image tarball and its sha256, hex. */
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const ManifestSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  labVersion: z.string(),
  created: z.string(),
  labs: z.array(z.string()),
  images: z.array(ImageEntry).min(1),
});
export type Manifest = z.infer<typeof ManifestSchema>;
export type ManifestImage = Manifest['images'][number];

/** The manifest of a bundle being written. Pure (the clock is passed in). */
export function buildManifest(o: {
  labVersion: string;
  created: Date;
  labs: string[];
  images: Omit<ManifestImage, 'file'>[];
}): Manifest {
  return {
    format: BUNDLE_FORMAT,
    labVersion: o.labVersion,
    created: o.created.toISOString(),
    labs: o.labs,
    images: o.images.map((image, i) => ({ ...image, file: imageFile(i + 1) })),
  };
}

/** Read manifest.json; every problem as one line. Pure. */
export function parseManifest(text: string): { manifest?: Manifest; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { problems: [`${MANIFEST_FILE} is not JSON: ${(e as Error).message}`] };
  }
  const r = ManifestSchema.safeParse(json);
  if (!r.success)
    return { problems: r.error.issues.map((i) => `${MANIFEST_FILE} ${i.path.join('.') || '(root)'}: ${i.message}`) };
  const files = r.data.images.map((i) => i.file);
  const dup = files.find((f, i) => files.indexOf(f) !== i);
  return dup ? { problems: [`${MANIFEST_FILE}: ${dup} is listed twice`] } : { manifest: r.data, problems: [] };
}

/** Members a bundle may hold: the manifest, the images folder, and image tarballs. Pure. */
export function unexpectedMembers(members: readonly string[]): string[] {
  return members.filter((m) => m !== MANIFEST_FILE && m !== 'images/' && !IMAGE_FILE.test(m));
}

/** What was found in the bundle for one file. */
export interface FileFacts {
  bytes: number;
  sha256: string;
}

/**
 * Compare the files of a bundle with its manifest: each image file present, of the stated
 * size and checksum, and no file the manifest does not list. Returns every problem. Pure.
 */
export function verifyBundle(manifest: Manifest, found: ReadonlyMap<string, FileFacts>): string[] {
  const problems: string[] = [];
  for (const image of manifest.images) {
    const f = found.get(image.file);
    if (!f) problems.push(`${image.file} (${image.ref}) is missing`);
    else if (f.bytes !== image.bytes)
      problems.push(`${image.file} (${image.ref}) has ${f.bytes} bytes, the manifest says ${image.bytes}`);
    else if (f.sha256 !== image.sha256)
      problems.push(
        `${image.file} (${image.ref}) has sha256 ${f.sha256.slice(0, 12)}…, the manifest says ${image.sha256.slice(0, 12)}…`,
      );
  }
  const listed = new Set(manifest.images.map((i) => i.file));
  for (const file of found.keys())
    if (!listed.has(file)) problems.push(`${file} is in the bundle but not in the manifest`);
  return problems;
}
