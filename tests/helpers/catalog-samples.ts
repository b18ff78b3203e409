import type { Catalog } from '../../src/i18n/index.ts';

/** For each message of the catalog that takes params, params to render it with; typed so a new message without samples fails tsc. */
type Samples<T> = {
  [G in keyof T]: {
    [K in keyof T[G] as T[G][K] extends string ? never : K]: T[G][K] extends (p: infer P) => string ? P : never;
  };
};

export const samples: Samples<Catalog> = {
  common: { run: { command: 'lab tasks 02' } },
  tasks: {
    noTasks: { lab: '02' },
    next: { title: 'frontend を書く' },
    nextLine: { heading: 'Next: x', task: 'frontend' },
    whenDone: { lab: '02', hasHints: true },
    quizResult: { correct: 2, total: 3, lab: '02' },
    quizOpen: { questions: 3, lab: '02' },
  },
  hint: {
    noTasks: { lab: '02' },
    unknownTask: { lab: '02', task: 'nope', tasks: 'frontend, health-checks' },
    allPassed: { lab: '02' },
    noHints: { task: 'frontend', lab: '02' },
    heading: { n: 1, total: 2 },
    line: { heading: 'Hint 1 of 2', task: 'frontend', text: 'bind :8080' },
    another: { command: 'lab hint 02' },
  },
  quiz: {
    noQuiz: { lab: '02' },
    answerHint: { command: 'lab quiz 02 --answer q1=a' },
    youAnswered: { answer: 'b' },
    wrong: { given: 'you answered b', right: 'a', text: 'x' },
    allCorrect: { total: 3 },
    someCorrect: { correct: 2, total: 3 },
  },
  grade: {
    noTasks: { lab: '02' },
    checkHint: { lab: '02' },
    lockedReason: { needs: 'frontend' },
    score: { passed: 1, total: 3, percent: 33, solved: 1 },
    scoreNext: { lab: '02' },
    copiesSolution: { tasks: 'frontend' },
  },
  apply: {
    notStudent: { id: '03-load-balancing' },
    notStudentHint: { lab: '03' },
    workspaceGone: { project: 'lab-02-haproxy-config', dir: '/tmp/ws' },
    workspaceGoneHint: { lab: '02' },
    fixThenApply: { file: '/tmp/ws/haproxy.cfg', lab: '02' },
    checking: { file: '/tmp/ws/haproxy.cfg' },
    notServing: { configId: 'abc123', seconds: 10 },
    reloadHint: { lab: '02', file: '/tmp/ws/haproxy.cfg' },
    applied: { configId: 'abc123', ms: 412 },
    answered: { requests: 120, http5xx: 3 },
    notReady: { answered: 'Since the reload HAProxy answered 120 request(s), 3 with HTTP 5xx' },
    done: { project: 'lab-02-haproxy-config', file: '/tmp/ws/haproxy.cfg', lab: '02' },
  },
  down: {
    removing: { project: 'lab-02-haproxy-config' },
    removed: { containers: 4, networks: 1, volumes: 0, project: 'lab-02-haproxy-config' },
    isDown: { project: 'lab-02-haproxy-config' },
    notRunning: { project: 'lab-02-haproxy-config' },
    notDeployed: { project: 'lab-02-haproxy-config' },
  },
  up: { editThenApply: { lab: '02' } },
};

/** Every message of a catalog rendered, by its name (`tasks.whenDone`); a message with a boolean param is rendered both ways. */
export function rendered(catalog: Catalog): Map<string, string> {
  const out = new Map<string, string>();
  for (const [group, entries] of Object.entries(catalog)) {
    for (const [name, message] of Object.entries(entries as Record<string, unknown>)) {
      const key = `${group}.${name}`;
      if (typeof message === 'string') {
        out.set(key, message);
        continue;
      }
      const params = (samples as Record<string, Record<string, Record<string, unknown>>>)[group]![name]!;
      const render = message as (p: unknown) => string;
      out.set(key, render(params));
      for (const [k, v] of Object.entries(params))
        if (typeof v === 'boolean') out.set(`${key} (${k}: ${!v})`, render({ ...params, [k]: !v }));
    }
  }
  return out;
}
