import { describe, expect, it } from 'vitest';
import {
  insideFolder,
  nextMarker,
  parseMarker,
  planWorkspaceCleanup,
  renderMarker,
  type WorkspaceCleanup,
  type WorkspaceFacts,
  type WorkspaceMarker,
} from '../../src/core/workspace-files.ts';

const FILES = ['compose.yaml', 'haproxy.env', 'haproxy/haproxy.cfg', 'lab-files.json', 'lab.json'];
const marker = (createdFolder: boolean, over: Partial<WorkspaceMarker> = {}) =>
  renderMarker({ format: 'lab-files/1', createdFolder, files: FILES, folders: ['haproxy'], ...over });
const STATE = JSON.stringify({ lab: '03-load-balancing', labFile: '/x', options: { replicas: 3 } });
/** What lab leaves in a workspace: its files, and haproxy/ with the config. */
const LAB_ENTRIES = ['compose.yaml', 'haproxy.env', 'haproxy/', 'haproxy/haproxy.cfg', 'lab-files.json', 'lab.json'];
const ALL_LAB = { files: FILES, folders: ['haproxy'] };

const facts = (over: Partial<WorkspaceFacts>): WorkspaceFacts => ({
  dir: '/w',
  inLabHome: false,
  entries: LAB_ENTRIES,
  state: STATE,
  ...over,
});

describe('what reset deletes in a workspace: planWorkspaceCleanup', () => {
  it.each<[string, Partial<WorkspaceFacts>, Omit<WorkspaceCleanup, 'dir'> | undefined]>([
    [
      'a folder lab created, holding only its files: removed whole',
      { marker: marker(true), inLabHome: true },
      { ...ALL_LAB, removeFolder: true },
    ],
    [
      'a folder lab created elsewhere (-w new-dir), holding only its files: removed whole',
      { marker: marker(true) },
      { ...ALL_LAB, removeFolder: true },
    ],
    [
      "the folder a user pointed lab at (-w .), with thesis.txt: only lab's files, the folder stays",
      { marker: marker(false), entries: [...LAB_ENTRIES, 'thesis.txt'] },
      { ...ALL_LAB, removeFolder: false, keep: 'lab did not create it, and it holds 1 other item(s): thesis.txt' },
    ],
    [
      "the folder a user pointed lab at, empty but for lab's files: still stays",
      { marker: marker(false) },
      { ...ALL_LAB, removeFolder: false, keep: 'lab did not create it' },
    ],
    [
      "a folder lab created, where the user saved notes since: only lab's files",
      { marker: marker(true), entries: [...LAB_ENTRIES, 'notes/', 'notes.md'] },
      { ...ALL_LAB, removeFolder: false, keep: 'it holds 2 other item(s): notes.md, notes/' },
    ],
    [
      "a user's file inside lab's haproxy/: haproxy/ and the folder stay",
      { marker: marker(true), entries: [...LAB_ENTRIES, 'haproxy/my.cfg'] },
      { files: FILES, folders: [], removeFolder: false, keep: 'it holds 1 other item(s): haproxy/my.cfg' },
    ],
    [
      "a haproxy/ the user had before lab: lab's config goes, the folder haproxy/ stays",
      { marker: marker(true, { folders: [] }), entries: [...LAB_ENTRIES] },
      { files: FILES, folders: [], removeFolder: false, keep: 'it holds 1 other item(s): haproxy/' },
    ],
    [
      'files lab would have written but did not (interrupted): only those present',
      { marker: marker(true), entries: ['lab-files.json', 'compose.yaml'] },
      { files: ['compose.yaml', 'lab-files.json'], folders: [], removeFolder: true },
    ],
    [
      "a temporary file of an interrupted write is lab's; a look-alike is not",
      { marker: marker(true), entries: [...LAB_ENTRIES, 'lab.json.4242.tmp', 'lab.json.bak'] },
      {
        files: [...FILES, 'lab.json.4242.tmp'].sort(),
        folders: ['haproxy'],
        removeFolder: false,
        keep: 'it holds 1 other item(s): lab.json.bak',
      },
    ],
    [
      'written by an earlier lab (lab.json, no marker) in LAB_HOME/workspaces: its known files, and the folder',
      { inLabHome: true, entries: ['compose.yaml', 'haproxy/', 'haproxy/haproxy.cfg', 'lab.json'] },
      { files: ['compose.yaml', 'haproxy/haproxy.cfg', 'lab.json'], folders: ['haproxy'], removeFolder: true },
    ],
    [
      "written by an earlier lab into a user's folder: its known files only, the folder stays",
      { entries: ['compose.yaml', 'haproxy/', 'haproxy/haproxy.cfg', 'lab.json', 'thesis.txt'] },
      {
        files: ['compose.yaml', 'haproxy/haproxy.cfg', 'lab.json'],
        folders: ['haproxy'],
        removeFolder: false,
        keep: 'lab has no record of creating it (no lab-files.json), and it holds 1 other item(s): thesis.txt',
      },
    ],
    [
      "neither a marker nor lab's lab.json: not a workspace, nothing deleted",
      { state: JSON.stringify({ name: 'my-app' }) },
      undefined,
    ],
    [
      'a tampered marker naming paths outside the folder: those are ignored',
      {
        marker: marker(true, { files: ['../thesis.txt', '/etc/passwd', 'compose.yaml', 'a/../b', './lab.json'] }),
        entries: ['compose.yaml', 'lab-files.json'],
      },
      { files: ['compose.yaml'], folders: [], removeFolder: false, keep: 'it holds 1 other item(s): lab-files.json' },
    ],
  ])('%s', (_name, over, want) => {
    const got = planWorkspaceCleanup(facts(over));
    expect(got).toEqual(want === undefined ? undefined : { dir: '/w', ...want });
  });
});

describe('the marker lab writes: nextMarker', () => {
  const now = {
    createdFolder: false,
    legacyState: false,
    inLabHome: false,
    files: ['compose.yaml', 'lab-files.json'],
    folders: [] as string[],
  };
  it.each<
    [
      string,
      WorkspaceMarker | undefined,
      Partial<typeof now>,
      Pick<WorkspaceMarker, 'createdFolder' | 'files' | 'folders'>,
    ]
  >([
    [
      'lab makes the folder',
      undefined,
      { createdFolder: true, folders: ['haproxy'] },
      { createdFolder: true, files: now.files, folders: ['haproxy'] },
    ],
    ["a user's folder (-w .)", undefined, {}, { createdFolder: false, files: now.files, folders: [] }],
    [
      'a second up keeps the first word on the folder',
      parseMarker(marker(true)),
      {},
      { createdFolder: true, files: FILES, folders: ['haproxy'] },
    ],
    [
      "a second up in a user's folder keeps it the user's",
      parseMarker(marker(false)),
      {},
      { createdFolder: false, files: FILES, folders: ['haproxy'] },
    ],
    [
      "an earlier lab's workspace in LAB_HOME: lab made it",
      undefined,
      { legacyState: true, inLabHome: true },
      {
        createdFolder: true,
        files: ['compose.yaml', 'haproxy/haproxy.cfg', 'lab-files.json', 'lab.json'],
        folders: ['haproxy'],
      },
    ],
    [
      "an earlier lab's workspace elsewhere: lab cannot know, so the user's",
      undefined,
      { legacyState: true },
      {
        createdFolder: false,
        files: ['compose.yaml', 'haproxy/haproxy.cfg', 'lab-files.json', 'lab.json'],
        folders: ['haproxy'],
      },
    ],
  ])('%s', (_name, previous, over, want) => {
    expect(nextMarker(previous, { ...now, ...over })).toEqual({ format: 'lab-files/1', ...want });
  });

  it.each<[string, WorkspaceMarker | undefined, WorkspaceMarker]>([
    [
      "a student lab: haproxy.cfg is the student's, not lab's",
      undefined,
      {
        format: 'lab-files/1',
        createdFolder: true,
        files: ['00-lab.cfg', 'lab-files.json'],
        folders: ['haproxy'],
        student: ['haproxy/haproxy.cfg'],
      },
    ],
    [
      "a workspace where generated mode wrote haproxy.cfg: it becomes the student's",
      {
        format: 'lab-files/1',
        createdFolder: true,
        files: ['haproxy/haproxy.cfg', 'lab-files.json'],
        folders: ['haproxy'],
      },
      {
        format: 'lab-files/1',
        createdFolder: true,
        files: ['00-lab.cfg', 'lab-files.json'],
        folders: ['haproxy'],
        student: ['haproxy/haproxy.cfg'],
      },
    ],
  ])('%s', (_name, previous, want) => {
    const m = nextMarker(previous, {
      createdFolder: true,
      legacyState: false,
      inLabHome: true,
      files: ['00-lab.cfg', 'lab-files.json'],
      folders: ['haproxy'],
      student: ['haproxy/haproxy.cfg'],
    });
    expect(m).toEqual(want);
    expect(parseMarker(renderMarker(m))).toEqual(want);
    // reset keeps the student's file, and so the haproxy folder and the workspace that hold it.
    const plan = planWorkspaceCleanup({
      dir: '/w',
      marker: renderMarker(m),
      inLabHome: true,
      entries: ['00-lab.cfg', 'lab-files.json', 'haproxy/', 'haproxy/haproxy.cfg'],
    });
    expect(plan).toMatchObject({
      files: ['00-lab.cfg', 'lab-files.json'],
      folders: [],
      removeFolder: false,
      keep: 'it holds 1 other item(s): haproxy/haproxy.cfg',
    });
  });

  it('reads back what it writes, and nothing that is not a marker', () => {
    const m: WorkspaceMarker = { format: 'lab-files/1', createdFolder: true, files: FILES, folders: ['haproxy'] };
    expect(parseMarker(renderMarker(m))).toEqual(m);
    for (const text of [
      undefined,
      '',
      'not json',
      '{}',
      JSON.stringify({ ...m, format: 'other' }),
      JSON.stringify({ ...m, createdFolder: 'yes' }),
    ])
      expect(parseMarker(text)).toBeUndefined();
  });

  it.each([
    ['compose.yaml', true],
    ['haproxy/haproxy.cfg', true],
    ['../x', false],
    ['/etc/passwd', false],
    ['a/../../x', false],
    ['./x', false],
    ['.', false],
    ['', false],
    ['dir/', false],
    [42, false],
  ])('a marker may name %j: %s', (path, ok) => {
    expect(insideFolder(path)).toBe(ok);
  });
});
