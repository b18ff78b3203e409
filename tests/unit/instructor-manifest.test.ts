import { describe, expect, it } from 'vitest';
import {
  buildManifest,
  imageFile,
  parseManifest,
  unexpectedMembers,
  verifyBundle,
  type FileFacts,
} from '../../src/core/instructor/manifest.ts';

const hex = (c: string) => c.repeat(64);
const manifest = buildManifest({
  labVersion: '0.1.0',
  created: new Date('2026-11-24T10:00:00Z'),
  labs: ['03-load-balancing'],
  images: [
    {
      ref: 'haproxy:3.0',
      id: `sha256:${hex('a')}`,
      size: 128_000_000,
      role: 'load balancer',
      labs: ['03-load-balancing'],
      bytes: 1000,
      sha256: hex('1'),
    },
    {
      ref: 'lab/whoami:1',
      id: `sha256:${hex('b')}`,
      size: 225_000_000,
      role: 'app',
      labs: ['03-load-balancing'],
      bytes: 2000,
      sha256: hex('2'),
    },
  ],
});
const facts = (entries: [string, FileFacts][]) => new Map(entries);
const good = facts([
  ['images/1.tar', { bytes: 1000, sha256: hex('1') }],
  ['images/2.tar', { bytes: 2000, sha256: hex('2') }],
]);

describe('bundle manifest', () => {
  it('numbers the image files and records what a loader checks', () => {
    expect(manifest).toMatchObject({
      format: 'lab-bundle/1',
      labVersion: '0.1.0',
      created: '2026-11-24T10:00:00.000Z',
      labs: ['03-load-balancing'],
    });
    expect(manifest.images.map((i) => [i.ref, i.file])).toEqual([
      ['haproxy:3.0', 'images/1.tar'],
      ['lab/whoami:1', 'images/2.tar'],
    ]);
    expect(imageFile(12)).toBe('images/12.tar');
  });

  it('round-trips through JSON', () => {
    expect(parseManifest(JSON.stringify(manifest))).toEqual({ manifest, problems: [] });
  });

  it('refuses what is not a lab manifest, saying where', () => {
    expect(parseManifest('{ nope').problems[0]).toMatch(/^manifest.json is not JSON/);
    expect(parseManifest(JSON.stringify({ ...manifest, format: 'other/9' })).problems).toEqual([
      expect.stringMatching(/^manifest.json format: /),
    ]);
    const traversal = { ...manifest, images: [{ ...manifest.images[0]!, file: '../../etc/passwd' }] };
    expect(parseManifest(JSON.stringify(traversal)).problems).toEqual([
      expect.stringMatching(/^manifest.json images.0.file: /),
    ]);
    const badSum = { ...manifest, images: [{ ...manifest.images[0]!, sha256: 'abc' }] };
    expect(parseManifest(JSON.stringify(badSum)).problems).toEqual([
      expect.stringMatching(/^manifest.json images.0.sha256: /),
    ]);
    const twice = { ...manifest, images: [manifest.images[0]!, { ...manifest.images[1]!, file: 'images/1.tar' }] };
    expect(parseManifest(JSON.stringify(twice)).problems).toEqual(['manifest.json: images/1.tar is listed twice']);
    expect(parseManifest(JSON.stringify({ ...manifest, images: [] })).problems).toHaveLength(1);
  });

  it('allows only the manifest and numbered image files as members', () => {
    expect(unexpectedMembers(['manifest.json', 'images/', 'images/1.tar', 'images/2.tar'])).toEqual([]);
    expect(unexpectedMembers(['manifest.json', '../evil', 'images/x.tar', '/etc/passwd', 'images/1.tar.gz'])).toEqual([
      '../evil',
      'images/x.tar',
      '/etc/passwd',
      'images/1.tar.gz',
    ]);
  });
});

describe('bundle verification', () => {
  it('passes when every file has its size and checksum', () => {
    expect(verifyBundle(manifest, good)).toEqual([]);
  });

  it('names every damaged, missing or extra file', () => {
    const damaged = facts([
      ['images/1.tar', { bytes: 1000, sha256: hex('f') }],
      ['images/3.tar', { bytes: 5, sha256: hex('3') }],
    ]);
    expect(verifyBundle(manifest, damaged)).toEqual([
      'images/1.tar (haproxy:3.0) has sha256 ffffffffffff…, the manifest says 111111111111…',
      'images/2.tar (lab/whoami:1) is missing',
      'images/3.tar is in the bundle but not in the manifest',
    ]);
  });

  it('reports a truncated file by its size', () => {
    expect(verifyBundle(manifest, facts([...good, ['images/2.tar', { bytes: 1999, sha256: hex('2') }]]))).toEqual([
      'images/2.tar (lab/whoami:1) has 1999 bytes, the manifest says 2000',
    ]);
  });
});
