import { describe, expect, it } from 'vitest';
import type { Lab } from '../../src/core/lab-schema.ts';
import { neededImages } from '../../src/core/instructor/needed-images.ts';
import { lab03 } from '../helpers/lab03.ts';

const lab = lab03();
const LOCAL = { 'node:20-alpine': 'lab-local/node:20', 'haproxy:3.0': 'lab-local/haproxy:3.0' };

describe('images the labs need', () => {
  it('lab 03: HAProxy and the base image to pull, then the app to build, after substitution', () => {
    expect(neededImages([{ lab, builds: { app: { context: '/ctx/whoami' } }, images: LOCAL }])).toEqual([
      { ref: 'lab-local/haproxy:3.0', kind: 'pull', role: 'load balancer', labs: ['03-load-balancing'] },
      { ref: 'lab-local/node:20', kind: 'pull', role: 'base', labs: ['03-load-balancing'] },
      {
        ref: 'lab/whoami:1',
        kind: 'build',
        role: 'app',
        labs: ['03-load-balancing'],
        build: { context: '/ctx/whoami', args: { BASE_IMAGE: 'lab-local/node:20' }, lab: '03-load-balancing' },
      },
    ]);
  });

  it('without substitution, the references the lab file names', () => {
    expect(neededImages([{ lab, builds: { app: { context: '/c' } }, images: {} }]).map((n) => n.ref)).toEqual([
      'haproxy:3.0',
      'node:20-alpine',
      'lab/whoami:1',
    ]);
  });

  it('a lab that does not build pulls its app; an image two labs share is listed once, with both', () => {
    const other: Lab = {
      ...lab,
      id: '04-failover',
      app: { ...lab.app!, image: 'traefik/whoami:v1.10', build: undefined },
    };
    const needs = neededImages([
      { lab, builds: { app: { context: '/c' } }, images: {} },
      { lab: other, images: {} },
    ]);
    expect(needs.map((n) => [n.ref, n.kind, n.labs.join(' ')])).toEqual([
      ['haproxy:3.0', 'pull', '03-load-balancing 04-failover'],
      ['node:20-alpine', 'pull', '03-load-balancing'],
      ['traefik/whoami:v1.10', 'pull', '04-failover'],
      ['lab/whoami:1', 'build', '03-load-balancing'],
    ]);
  });
});
