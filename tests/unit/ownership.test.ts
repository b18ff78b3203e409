import { describe, expect, it } from 'vitest';
import { builtByLab, ownedByLab, whyNotLabs, type Labels } from '../../src/core/labels.ts';

/** What lab's compose file and compose itself put on a container of project p. */
const LAB_CONTAINER = (p: string): Labels => ({
  'lab.managed': 'true',
  'lab.id': '03-load-balancing',
  'lab.project': p,
  'lab.workspace': `/home/u/.local/state/lab/workspaces/${p}`,
  'com.docker.compose.project': p,
  'com.docker.compose.service': 'app',
});
/** The app image lab builds: compose labels its builds with the project that built them. */
const BUILT: Labels = {
  'lab.image.built-for': '03-load-balancing',
  'lab.image.build-hash': 'abc',
  'com.docker.compose.project': 'lab-03',
  'com.docker.compose.service': 'app',
};
/** An app image built by an earlier lab, with lab.managed on the image. */
const BUILT_BEFORE: Labels = {
  'lab.managed': 'true',
  'lab.id': '03-load-balancing',
  'lab.build-hash': 'abc',
  'com.docker.compose.project': 'lab-03',
};
/** `docker commit` of a lab container: the image carries every label the container had. */
const COMMITTED: Labels = { ...BUILT, ...LAB_CONTAINER('lab-03') };
/** Docker's rule: a container gets its image's labels, then the ones it was created with. */
const run = (image: Labels, own: Labels = {}): Labels => ({ ...image, ...own });

describe("which containers are lab's: ownedByLab (one rule for down, reset, status, doctor)", () => {
  it.each<[string, Labels | null, Labels, string | undefined]>([
    // container labels, image labels, why not (undefined: lab's)
    ["lab's app replica, on the image lab built", run(BUILT, LAB_CONTAINER('lab-03')), BUILT, undefined],
    [
      "lab's app replica, in another project than the one that built the image",
      run(BUILT, LAB_CONTAINER('lab-03-b')),
      BUILT,
      undefined,
    ],
    ["lab's HAProxy, on an image without labels", LAB_CONTAINER('lab-03'), {}, undefined],
    [
      "lab's replica still on an image an earlier lab built (lab.managed on the image)",
      run(BUILT_BEFORE, LAB_CONTAINER('lab-03')),
      BUILT_BEFORE,
      undefined,
    ],
    ["a user's docker run of the image lab built", run(BUILT), BUILT, 'no lab.managed=true label'],
    ["a user's docker run of an image an earlier lab built", run(BUILT_BEFORE), BUILT_BEFORE, 'no lab.project label'],
    [
      "a user's docker run of a committed lab container",
      run(COMMITTED),
      COMMITTED,
      'its lab.project label comes from its image',
    ],
    [
      "a user's compose project of the same name on a committed lab container",
      run(COMMITTED, { 'com.docker.compose.project': 'lab-03' }),
      COMMITTED,
      'its lab.project label comes from its image',
    ],
    [
      "a user's compose project of another name on a committed lab container",
      run(COMMITTED, { 'com.docker.compose.project': 'mine' }),
      COMMITTED,
      'its lab.project label comes from its image',
    ],
    [
      'lab labels set by hand, without compose',
      { 'lab.managed': 'true', 'lab.project': 'lab-03' },
      {},
      'com.docker.compose.project (absent) is not its lab.project (lab-03)',
    ],
    [
      'lab labels in another compose project',
      { ...LAB_CONTAINER('lab-03'), 'com.docker.compose.project': 'other' },
      {},
      'com.docker.compose.project (other) is not its lab.project (lab-03)',
    ],
    ['lab.managed not "true"', { ...LAB_CONTAINER('lab-03'), 'lab.managed': 'yes' }, {}, 'no lab.managed=true label'],
    ['no lab.project', { 'lab.managed': 'true', 'com.docker.compose.project': 'lab-03' }, {}, 'no lab.project label'],
    ['no labels at all', null, {}, 'no lab.managed=true label'],
  ])('%s', (_name, container, image, why) => {
    expect(whyNotLabs(container, image)).toBe(why);
    expect(ownedByLab(container, image)).toBe(why === undefined);
  });

  it("a network or volume has no image: lab's when compose's project and lab.project agree", () => {
    expect(ownedByLab({ ...LAB_CONTAINER('p'), 'com.docker.compose.network': 'default' })).toBe(true);
    expect(ownedByLab({ 'lab.managed': 'true', 'lab.project': 'p' })).toBe(false);
  });
});

describe('which images lab built: builtByLab (for reset --images)', () => {
  it.each<[string, Labels | null, boolean]>([
    ['the app image lab builds', BUILT, true],
    ['an app image an earlier lab built', BUILT_BEFORE, true],
    ['a docker commit of a lab container', COMMITTED, false],
    [
      'a docker commit of a container an earlier lab made',
      { ...BUILT_BEFORE, 'lab.project': 'lab-03', 'lab.workspace': '/w' },
      false,
    ],
    ['haproxy:3.0 (no labels)', null, false],
    ['an image with only lab-looking labels', { 'lab.id': '03-load-balancing' }, false],
  ])('%s → %s', (_name, labels, built) => {
    expect(builtByLab(labels)).toBe(built);
  });
});
