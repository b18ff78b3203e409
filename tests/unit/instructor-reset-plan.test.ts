import { describe, expect, it } from 'vitest';
import { configCheckLabels, ownedByLab } from '../../src/core/labels.ts';
import {
  describePlan,
  isLabState,
  normalizeRef,
  planReset,
  type ContainerRow,
  type ImageRow,
  type ResetInput,
} from '../../src/core/instructor/reset-plan.ts';

const LAB = (project: string, ws = `/home/u/.local/state/lab/workspaces/${project}`) => ({
  'lab.managed': 'true',
  'lab.id': '03-load-balancing',
  'lab.project': project,
  'lab.workspace': ws,
  'com.docker.compose.project': project,
});
const id = (c: string) => `sha256:${c.repeat(64).slice(0, 64)}`;

const containers: ContainerRow[] = [
  {
    Id: 'c1',
    Names: ['/lab-03-load-balancing-app-1'],
    Image: 'lab/whoami:1',
    ImageID: id('a'),
    State: 'running',
    Labels: LAB('lab-03-load-balancing'),
  },
  {
    Id: 'c2',
    Names: ['/lab-03-load-balancing-haproxy-1'],
    Image: 'haproxy:3.0',
    ImageID: id('b'),
    State: 'exited',
    Labels: LAB('lab-03-load-balancing'),
  },
  // A user's container with a lab's name and no labels at all.
  {
    Id: 'u1',
    Names: ['/lab-03-load-balancing-app-1-copy'],
    Image: 'nginx',
    ImageID: id('d'),
    State: 'running',
    Labels: {},
  },
  {
    Id: 'u2',
    Names: ['/lab-03-load-balancing-app-1'],
    Image: 'busybox',
    ImageID: id('e'),
    State: 'running',
    Labels: null,
  },
  // Lab-looking labels, but not lab.managed=true.
  {
    Id: 'u3',
    Names: ['/lab-03-load-balancing-app-9'],
    Image: 'node:20-alpine',
    ImageID: id('c'),
    State: 'running',
    Labels: { 'lab.id': '03-load-balancing', 'lab.managed': 'yes' },
  },
];

/** A lab container committed by a user (docker commit): the image has every label of the container. */
const COMMITTED = { ...LAB('lab-03-load-balancing', '/srv/elsewhere'), 'lab.image.built-for': '03-load-balancing' };
/** Containers a user started from images carrying lab's labels: they inherit them all. */
const inheriting: ContainerRow[] = [
  { Id: 'i1', Names: ['/snapshot'], Image: 'user/snapshot:1', ImageID: id('7'), State: 'running', Labels: COMMITTED },
  {
    Id: 'i2',
    Names: ['/old-build'],
    Image: 'lab/whoami:0',
    ImageID: id('8'),
    State: 'exited',
    Labels: { 'lab.managed': 'true', 'lab.id': '03-load-balancing' },
  },
];
const imageLabels = new Map<string, Record<string, string>>([
  [id('a'), { 'lab.image.built-for': '03-load-balancing', 'com.docker.compose.project': 'lab-03-load-balancing' }],
  [id('7'), COMMITTED],
  [id('8'), { 'lab.managed': 'true', 'lab.id': '03-load-balancing' }],
]);

const images: ImageRow[] = [
  { Id: id('a'), RepoTags: ['lab/whoami:1'], Labels: { 'lab.image.built-for': '03-load-balancing' } },
  { Id: id('b'), RepoTags: ['haproxy:3.0'], Labels: null },
  { Id: id('c'), RepoTags: ['node:20-alpine', 'user/keep:1'], Labels: {} },
  { Id: id('d'), RepoTags: ['nginx:latest'], Labels: {} },
  { Id: id('f'), RepoTags: ['<none>:<none>'], Labels: { 'lab.managed': 'true' } }, // an old build
  { Id: id('9'), RepoTags: ['lab-03-load-balancing-app:latest'], Labels: {} }, // a lab-looking name only
  { Id: id('7'), RepoTags: ['user/snapshot:1'], Labels: COMMITTED }, // docker commit of a lab container
  { Id: id('6'), RepoTags: ['user/derived:1'], Labels: { 'lab.image.built-for': '03-load-balancing' } }, // built FROM lab/whoami:1
];

const input = (over: Partial<ResetInput> = {}): ResetInput => ({
  containers,
  networks: [
    { Id: 'n1', Name: 'lab-03-load-balancing_default', Labels: LAB('lab-03-load-balancing') },
    { Id: 'n2', Name: 'lab-03-load-balancing_default-user', Labels: {} },
    { Id: 'n3', Name: 'bridge', Labels: null },
  ],
  volumes: [
    { Name: 'lab-03-data', Labels: LAB('lab-03-load-balancing') },
    { Name: 'lab-03-load-balancing_data', Labels: null },
  ],
  images,
  labImages: new Map([
    ['haproxy:3.0', ['03-load-balancing']],
    ['node:20-alpine', ['03-load-balancing']],
    ['lab/whoami:1', ['03-load-balancing']],
  ]),
  includeImages: true,
  imageLabels,
  workspaceDirs: [
    '/home/u/.local/state/lab/workspaces/lab-03-load-balancing',
    '/home/u/.local/state/lab/workspaces/other',
  ],
  ...over,
});

describe('lab reset: what it selects', () => {
  const plan = planReset(input());

  it('selects containers, networks and volumes by the lab.managed=true label only, never by name', () => {
    expect(plan.containers.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(plan.containers.map((c) => c.name)).not.toContain('lab-03-load-balancing-app-9');
    expect(plan.networks.map((n) => n.name)).toEqual(['lab-03-load-balancing_default']);
    expect(plan.volumes.map((v) => v.name)).toEqual(['lab-03-data']);
  });

  it('selects the throwaway haproxy -c container lab apply and lab up create (a killed lab may leave it), by the same rule', () => {
    const check: ContainerRow = {
      Id: 'k1',
      Names: ['/sleepy_check'],
      Image: 'haproxy:3.0',
      ImageID: id('b'),
      State: 'created',
      Labels: configCheckLabels('02-haproxy-config', 'lab-02-haproxy-config', '/w'),
    };
    expect(planReset(input({ containers: [...containers, check] })).containers.map((c) => c.id)).toContain('k1');
    expect(ownedByLab(check.Labels)).toBe(true);
  });

  it('never selects a container whose lab labels come from its image (a committed lab container, an old lab build), and keeps those images', () => {
    const p = planReset(input({ containers: [...containers, ...inheriting] }));
    expect(p.containers.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(p.workspaces).not.toContain('/srv/elsewhere');
    expect(p.images.flatMap((i) => i.refs)).not.toContain('user/snapshot:1');
  });

  it("keeps the image lab built when a user's container runs it", () => {
    const mine: ContainerRow = {
      Id: 'i3',
      Names: ['/my-whoami'],
      Image: 'lab/whoami:1',
      ImageID: id('a'),
      State: 'running',
      Labels: { 'lab.image.built-for': '03-load-balancing', 'com.docker.compose.project': 'lab-03-load-balancing' },
    };
    const p = planReset(input({ containers: [...containers, mine] }));
    expect(p.containers.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(p.images.flatMap((i) => i.refs)).not.toContain('lab/whoami:1');
    expect(p.kept).toContainEqual({
      ref: 'lab/whoami:1',
      reason: 'used by container my-whoami, which lab did not create',
    });
  });

  it('never selects a user container named exactly like a lab replica when it has no labels', () => {
    const lookalike: ContainerRow = {
      Id: 'x',
      Names: ['/lab-03-load-balancing-app-1'],
      Image: 'busybox',
      State: 'running',
    };
    expect(planReset(input({ containers: [lookalike], includeImages: false })).containers).toEqual([]);
  });

  it('knows which containers run (they are stopped first)', () => {
    expect(plan.containers.map((c) => c.running)).toEqual([true, false]);
  });

  it('takes images lab built (all their tags, or the ID when untagged) before the images the labs name', () => {
    expect(plan.images.map((i) => [i.refs, i.why])).toEqual([
      [['lab/whoami:1'], 'built by lab'],
      [[id('f')], 'built by lab'],
      [['haproxy:3.0'], 'named by lab 03-load-balancing'],
    ]);
  });

  it('keeps an image a non-lab container uses, and says why', () => {
    expect(plan.images.flatMap((i) => i.refs)).not.toContain('node:20-alpine');
    expect(plan.kept).toEqual([
      { ref: 'node:20-alpine', reason: 'used by container lab-03-load-balancing-app-9, which lab did not create' },
    ]);
  });

  it("removes only lab's tag of an image a user tagged too (user/keep:1 survives)", () => {
    const p = planReset(input({ containers: containers.filter((c) => c.Id !== 'u3') }));
    expect(p.images.find((i) => i.id === id('c'))?.refs).toEqual(['node:20-alpine']);
    expect(p.images.flatMap((i) => i.refs)).not.toContain('user/keep:1');
  });

  it("never touches images that merely look like a lab, nor a user's images that inherited lab's labels", () => {
    const refs = plan.images.flatMap((i) => i.refs);
    for (const ref of ['lab-03-load-balancing-app:latest', 'nginx:latest', 'user/snapshot:1', 'user/derived:1'])
      expect(refs).not.toContain(ref);
  });

  it('matches lab references the way Docker lists them', () => {
    expect(normalizeRef('haproxy')).toBe('haproxy:latest');
    expect(normalizeRef('registry:5000/haproxy')).toBe('registry:5000/haproxy:latest');
    expect(normalizeRef('haproxy:3.0')).toBe('haproxy:3.0');
    expect(normalizeRef('haproxy@sha256:abc')).toBe('haproxy@sha256:abc');
  });

  it('selects no images without --images', () => {
    const p = planReset(input({ includeImages: false }));
    expect([p.images, p.kept]).toEqual([[], []]);
  });

  it("collects workspaces from LAB_HOME and from lab containers' labels, once each", () => {
    const p = planReset(
      input({
        containers: [
          ...containers,
          { Id: 'c3', State: 'exited', Labels: LAB('p2', '/srv/labs/p2') },
          { Id: 'c4', Labels: LAB('p3', 'relative/dir') },
        ],
      }),
    );
    expect(p.workspaces).toEqual([
      '/home/u/.local/state/lab/workspaces/lab-03-load-balancing',
      '/home/u/.local/state/lab/workspaces/other',
      '/srv/labs/p2',
    ]);
  });

  it('never offers / as a workspace', () => {
    expect(
      planReset(input({ containers: [{ Id: 'c', Labels: LAB('p', '/') }], workspaceDirs: [] })).workspaces,
    ).toEqual([]);
  });

  it('lists the plan by kind', () => {
    const workspaces = [
      { dir: '/w/p', files: ['compose.yaml', 'lab.json'], folders: [], removeFolder: true },
      {
        dir: '/home/u/p',
        files: ['compose.yaml', 'lab.json'],
        folders: ['haproxy'],
        removeFolder: false,
        keep: 'lab did not create it',
      },
    ];
    expect(describePlan(plan, workspaces)).toEqual([
      'Containers (2):',
      '  lab-03-load-balancing-app-1  (project lab-03-load-balancing, running)',
      '  lab-03-load-balancing-haproxy-1  (project lab-03-load-balancing)',
      'Networks (1):',
      '  lab-03-load-balancing_default',
      'Volumes (1):',
      '  lab-03-data',
      'Images (3):',
      '  lab/whoami:1  (built by lab)',
      '  ffffffffffff (untagged)  (built by lab)',
      '  haproxy:3.0  (named by lab 03-load-balancing)',
      'Workspaces (2):',
      '  /w/p  (the folder lab created, with the 2 file(s) lab wrote in it)',
      "  /home/u/p: only lab's files compose.yaml, lab.json, haproxy/; the folder stays: lab did not create it",
      'Kept (1):',
      '  image node:20-alpine: used by container lab-03-load-balancing-app-9, which lab did not create',
    ]);
  });
});

describe("a workspace is deleted only when its lab.json is lab's", () => {
  const _ = (text: string, want: boolean) => () => expect(isLabState(text)).toBe(want);
  it('lab state', _(JSON.stringify({ lab: '03-load-balancing', labFile: '/x', options: { replicas: 3 } }), true));
  it('another program’s lab.json', _(JSON.stringify({ name: 'my-lab', version: 1 }), false));
  it('options not an object', _(JSON.stringify({ lab: '03', options: null }), false));
  it('not JSON', _('lab: 03', false));
  it('empty (no file)', _('', false));
});
