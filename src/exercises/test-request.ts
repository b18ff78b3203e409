import type { LoadedLab } from '../config/labs.ts';
import type { Engine } from '../engine/engine.ts';
import type { Workspace } from '../engine/workspace.ts';

/** What lab test gives its exercise halves (exercises/exercise-test.ts) and variants (exercises/variant-test.ts). */
export interface ExerciseTestRequest {
  engine: Engine;
  loaded: LoadedLab;
  project: string;
  ws: Workspace;
  /** Added to a solution's `lab up` (Docker-assigned ports, --image), so it keeps lab test's stack. */
  upExtras: readonly string[];
  /** lab test --task: grade only these tasks (and their variants); the solutions they need are applied, not graded. */
  only?: ReadonlySet<string> | undefined;
}
