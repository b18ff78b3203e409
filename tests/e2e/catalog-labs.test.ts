/**
 * The catalog labs of issue 12 on the real engine: `lab test 04 01` proves, for each, that every
 * task fails on the starter and passes after its solution (lab 04: routing by path and header,
 * an L4 frontend that cannot route, per-connection vs per-request spread; lab 01: scale out,
 * throughput of 1 × 2 CPUs vs 4 × 0.5, one replica killed under load). One run for both labs.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  expectExit,
  labObjects,
  parseJson,
  removeByLabel,
  requireDocker,
  settle,
  skipNote,
  spawnLab,
} from './helpers.ts';

const engine = requireDocker();

interface TestJson {
  labs: {
    lab: string;
    project: string;
    exitCode: number;
    steps: { name: string; verdict: string; reason: string }[];
  }[];
}

const TASKS: Record<string, string[]> = {
  '04-l4-vs-l7': ['path-routing', 'header-routing', 'l4-cannot-route', 'per-connection'],
  '01-scale-up-vs-out': ['scale-out', 'same-load', 'one-replica-dies'],
};

describe.skipIf(!engine.ok)(`catalog labs${skipNote(engine)}`, () => {
  it('lab test 04 01: every task fails on the starter and passes after its solution', async () => {
    const args = ['test', '04', '01', '--json'];
    // Lab 04's variants of l4-cannot-route and per-connection add about 25 s.
    const child = spawnLab(args, { timeout: 430_000 });
    for (const n of ['04', '01']) onTestFinished(() => removeByLabel(`labtest-${child.pid}-${n}`), 60_000);
    const r = await settle(child, args);
    const j = parseJson<TestJson>(expectExit(r, 0));
    expect(j.labs.map((l) => l.lab)).toEqual(Object.keys(TASKS));
    for (const lab of j.labs) {
      for (const t of TASKS[lab.lab]!) {
        expect(
          lab.steps.find((s) => s.name === `${t} (starter)`),
          `${lab.lab} ${t} (starter)`,
        ).toMatchObject({ verdict: 'PASS' });
        expect(
          lab.steps.find((s) => s.name === `${t} (solution)`),
          `${lab.lab} ${t} (solution)`,
        ).toMatchObject({ verdict: 'PASS' });
      }
      expect(await labObjects(lab.project)).toEqual({ containers: [], networks: [], volumes: [] });
    }
    // What the starters failed on, as a student reads it: the traffic, not the file.
    const reason = (lab: string, step: string) =>
      j.labs.find((l) => l.lab === lab)!.steps.find((s) => s.name === step)!.reason;
    expect(reason('04-l4-vs-l7', 'path-routing (starter)')).toMatch(/GET \/api\/users → web, expected api/);
    expect(reason('01-scale-up-vs-out', 'one-replica-dies (starter)')).toMatch(
      /failed from just before small had one of its 1 replica\(s\) killed.*scale it out/,
    );
  }, 450_000);
});
