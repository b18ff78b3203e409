import { describe, expect, it } from 'vitest';
import { cliEnvFor, engineKindOf, engineName, noSwarmReason, rootlessProblems } from '../../src/docker/engine-kind.ts';

// What the two engines answer on /version (Docker 20.10.24 here; Podman 4.3.1's compat API).
const DOCKER = {
  Version: '20.10.24+dfsg1',
  ApiVersion: '1.41',
  Components: [
    { Name: 'Engine', Version: '20.10.24+dfsg1' },
    { Name: 'containerd', Version: '1.6.20' },
  ],
};
const PODMAN = {
  Version: '4.3.1',
  ApiVersion: '1.41',
  Components: [
    { Name: 'Podman Engine', Version: '4.3.1' },
    { Name: 'Conmon', Version: 'conmon version 2.1.6' },
  ],
};

describe('which engine answers the Docker API', () => {
  it.each([
    ['Docker', DOCKER, 'docker', 'Docker 20.10.24+dfsg1 (API 1.41)'],
    ['Podman', PODMAN, 'podman', 'Podman 4.3.1 (Docker API 1.41)'],
    ['an answer without components (an old or odd engine)', { Version: '19.03.1' }, 'docker', 'Docker 19.03.1'],
  ] as const)('%s', (_, v, kind, name) => {
    expect(engineKindOf(v)).toBe(kind);
    expect(engineName(v)).toBe(name);
  });

  it('Podman builds without BuildKit and has no Swarm; Docker needs neither', () => {
    expect(cliEnvFor('podman')).toEqual({ DOCKER_BUILDKIT: '0' });
    expect(cliEnvFor('docker')).toEqual({});
    expect(noSwarmReason('podman')).toMatch(/no Swarm mode/);
    expect(noSwarmReason('docker')).toBeUndefined();
  });
});

describe('what rootless Podman cannot give a lab', () => {
  const ports = [
    { port: 8080, option: '--app-port' },
    { port: 1936, option: '--stats-port' },
  ];
  it.each<[string, Parameters<typeof rootlessProblems>[0], Parameters<typeof rootlessProblems>[1], RegExp[]]>([
    [
      'rootful Podman: anything',
      { kind: 'podman', rootless: false, cgroupVersion: '1' },
      { ports: [{ port: 80, option: '--app-port' }], cpuLimits: true },
      [],
    ],
    [
      'Docker: anything',
      { kind: 'docker', rootless: true, cgroupVersion: '1' },
      { ports: [{ port: 80, option: '--app-port' }], cpuLimits: true },
      [],
    ],
    [
      'rootless, lab 03 on its own ports',
      { kind: 'podman', rootless: true, cgroupVersion: '2' },
      { ports, cpuLimits: false },
      [],
    ],
    [
      'rootless, port 80',
      { kind: 'podman', rootless: true, cgroupVersion: '2' },
      { ports: [{ port: 80, option: '--app-port' }], cpuLimits: false },
      [/cannot publish port 80 \(--app-port\): ports below 1024 need root; pick --app-port 8080 or auto/],
    ],
    [
      'rootless, CPU limits on cgroup v1',
      { kind: 'podman', rootless: true, cgroupVersion: '1' },
      { ports, cpuLimits: true },
      [/CPU limits \(cpus:\) on cgroup v1/],
    ],
    [
      'rootless, CPU limits on cgroup v2',
      { kind: 'podman', rootless: true, cgroupVersion: '2' },
      { ports, cpuLimits: true },
      [],
    ],
  ])('%s', (_, engine, needs, problems) => {
    const found = rootlessProblems(engine, needs);
    expect(found).toHaveLength(problems.length);
    for (const [i, p] of problems.entries()) expect(found[i]).toMatch(p);
  });
});
