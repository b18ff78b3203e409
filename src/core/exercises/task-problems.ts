import { HAPROXY_APP_PORT } from '../render-haproxy.ts';
import type { FileProblem } from '../errors.ts';
import type { QuizQuestion, Task } from '../task-schema.ts';

/** Line and column of the key or value at a path of the lab file (config/parse-lab.ts). */
type Locate = (path: readonly (string | number)[]) => { line: number; col: number };

/**
 * What the schema cannot say about tasks and the quiz: ids used twice, needs naming no task or
 * going round in a cycle, a quiz answer naming no option. Pure; each problem at its position.
 */
export function taskProblems(
  tasks: readonly Task[],
  quiz: readonly QuizQuestion[],
  file: string,
  at: Locate,
  clients = 0,
): FileProblem[] {
  const problems: FileProblem[] = [];
  const add = (path: (string | number)[], message: string) =>
    problems.push({ file, ...at(path), key: path.join('.'), message });
  const first = new Map<string, number>();
  tasks.forEach((t, i) => {
    const earlier = first.get(t.id);
    if (earlier === undefined) first.set(t.id, i);
    else add(['tasks', i, 'id'], `"${t.id}" is also the id of task ${earlier + 1}; task ids must be unique`);
  });
  tasks.forEach((t, i) => {
    t.needs.forEach((need, j) => {
      if (!first.has(need))
        add(['tasks', i, 'needs', j], `names no task: "${need}" (tasks: ${[...first.keys()].join(', ')})`);
      else if (need === t.id) add(['tasks', i, 'needs', j], 'a task cannot need itself');
    });
  });
  for (const cycle of needCycles(tasks)) {
    const i = first.get(cycle[0]!)!;
    add(
      ['tasks', i, 'needs'],
      `needs go round in a cycle: ${[...cycle, cycle[0]].join(' → ')}; no task of it could ever be graded`,
    );
  }
  tasks.forEach((t, i) => {
    t.checks.forEach((c, j) => {
      if (c.kind === 'affinity' && c.by === 'source' && clients < 2) {
        add(
          ['tasks', i, 'checks', j, 'by'],
          `affinity by: source needs at least 2 clients (the lab has ${clients}): add e.g. clients: 3 at the top level, since from one machine every request has the same source IP`,
        );
      }
      if ('port' in c && c.port !== undefined && c.port !== HAPROXY_APP_PORT && clients < 1) {
        add(
          ['tasks', i, 'checks', j, 'port'],
          `port ${c.port} is reached from inside the lab network only, and the lab has no clients: add e.g. clients: 2 at the top level`,
        );
      }
    });
  });
  const qids = new Set<string>();
  quiz.forEach((q, i) => {
    if (qids.has(q.id)) add(['quiz', i, 'id'], `"${q.id}" is used by another question; question ids must be unique`);
    qids.add(q.id);
    if (!(q.answer in q.options))
      add(['quiz', i, 'answer'], `names no option: "${q.answer}" (options: ${Object.keys(q.options).join(', ')})`);
  });
  return problems;
}

/** Each cycle of `needs` between different tasks, once, starting at its first task in file order. */
export function needCycles(tasks: readonly Pick<Task, 'id' | 'needs'>[]): string[][] {
  const needs = new Map(tasks.map((t) => [t.id, t.needs.filter((n) => n !== t.id)]));
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const done = new Set<string>();
  const walk = (id: string, path: string[]) => {
    if (done.has(id)) return;
    const at = path.indexOf(id);
    if (at >= 0) {
      const cycle = path.slice(at);
      const key = [...cycle].sort().join(' ');
      if (!seen.has(key)) {
        seen.add(key);
        cycles.push(cycle);
      }
      return;
    }
    for (const n of needs.get(id) ?? []) walk(n, [...path, id]);
  };
  for (const t of tasks) {
    walk(t.id, []);
    done.add(t.id);
  }
  return cycles;
}
