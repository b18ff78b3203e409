/**
 * What lab itself prints around a lab file's texts, in English: the catalog every language
 * follows (ja.ts is typed by it, so a message missing there or taking other params fails tsc).
 * Grouped by command. A message is a string, or a function of named params; a part the caller
 * colours (a heading, a label) is its own message, and the line around it takes it as a param.
 * Commands, paths and option names are params or literal code, never translated. Only human
 * text lives here: --json keys and values are the commands' own and do not change with the
 * language. Verdict reasons (src/core/verdicts-*.ts) are not here yet.
 */
export const en = {
  common: {
    run: (p: { command: string }) => `Run ${p.command}`,
  },
  tasks: {
    noTasks: (p: { lab: string }) => `Lab ${p.lab} has no tasks.`,
    colNumber: '#',
    colTask: 'TASK',
    colTitle: 'TITLE',
    colState: 'STATE',
    colNeeds: 'NEEDS',
    passed: 'passed',
    open: 'open',
    locked: 'locked',
    next: (p: { title: string }) => `Next: ${p.title}`,
    nextLine: (p: { heading: string; task: string }) => `${p.heading} (${p.task})`,
    lastGrade: 'Last grade:',
    whenDone: (p: { lab: string; hasHints: boolean }) =>
      `When done: lab grade ${p.lab}${p.hasHints ? `   Stuck? lab hint ${p.lab}` : ''}`,
    allPassed: 'Every task passed.',
    quizResult: (p: { correct: number; total: number; lab: string }) =>
      `Quiz: ${p.correct} of ${p.total} correct (lab quiz ${p.lab} to try again)`,
    quizOpen: (p: { questions: number; lab: string }) =>
      `Quiz: ${p.questions} question(s), not answered yet: lab quiz ${p.lab}`,
  },
  hint: {
    noTasks: (p: { lab: string }) => `Lab ${p.lab} has no tasks, so no hints`,
    unknownTask: (p: { lab: string; task: string; tasks: string }) =>
      `Lab ${p.lab} has no task "${p.task}"; tasks: ${p.tasks}`,
    allPassed: (p: { lab: string }) =>
      `Every task of lab ${p.lab} passed: no hint needed. Name a task for its hints: lab hint ${p.lab} <task>`,
    noHints: (p: { task: string; lab: string }) => `Task ${p.task} has no hints. Its instructions: lab tasks ${p.lab}`,
    heading: (p: { n: number; total: number }) => `Hint ${p.n} of ${p.total}`,
    line: (p: { heading: string; task: string; text: string }) => `${p.heading} for ${p.task}: ${p.text}`,
    another: (p: { command: string }) => `Another: ${p.command}`,
  },
  quiz: {
    noQuiz: (p: { lab: string }) => `Lab ${p.lab} has no quiz`,
    needsTerminal: 'lab quiz needs a terminal to ask, or the answers in --answer',
    answerHint: (p: { command: string }) => `Run ${p.command} (with your answers)`,
    prompt: 'Your answer',
    interrupted: 'Quiz interrupted; nothing was saved',
    notAnswered: 'not answered',
    youAnswered: (p: { answer: string }) => `you answered ${p.answer}`,
    wrong: (p: { given: string; right: string; text: string }) => `${p.given}; the answer is ${p.right}: ${p.text}`,
    allCorrect: (p: { total: number }) => `All ${p.total} correct`,
    someCorrect: (p: { correct: number; total: number }) => `${p.correct} of ${p.total} correct`,
  },
  grade: {
    noTasks: (p: { lab: string }) => `Lab ${p.lab} has no tasks to grade`,
    checkHint: (p: { lab: string }) => `Run lab check ${p.lab} for its checks`,
    colTask: 'TASK',
    colTitle: 'TITLE',
    colStatus: 'STATUS',
    pass: 'PASS',
    solved: 'SOLVED',
    fail: 'FAIL',
    locked: 'LOCKED',
    /** The same words as task-state.ts statusReason, which --json keeps. */
    lockedReason: (p: { needs: string }) => `needs ${p.needs} to pass first`,
    score: (p: { passed: number; total: number; percent: number; solved: number }) =>
      `Score: ${p.passed} of ${p.total} task(s) passed (${p.percent}%)${p.solved ? `, ${p.solved} solved with lab solve (not counted)` : ''}`,
    scoreNext: (p: { lab: string }) => `lab tasks ${p.lab} shows what to do next`,
    copiesSolution: (p: { tasks: string }) =>
      `Your haproxy.cfg is the reference solution of ${p.tasks}: the class table shows it`,
  },
  apply: {
    notStudent: (p: { id: string }) =>
      `Lab ${p.id} has no student configuration (loadBalancer.config: generated): lab writes its haproxy.cfg itself`,
    notStudentHint: (p: { lab: string }) => `Change its settings with lab up ${p.lab} --algorithm … --mode …`,
    workspaceGone: (p: { project: string; dir: string }) => `The workspace of ${p.project} (${p.dir}) is gone`,
    workspaceGoneHint: (p: { lab: string }) => `Run lab up ${p.lab} to render it again`,
    fixThenApply: (p: { file: string; lab: string }) =>
      `Fix ${p.file}, then run lab apply ${p.lab} again (HAProxy keeps running your previous configuration)`,
    checking: (p: { file: string }) => `Checking ${p.file} with HAProxy`,
    reloading: 'Reloading HAProxy through its master CLI',
    notServing: (p: { configId: string; seconds: number }) =>
      `HAProxy reloaded but does not serve config ${p.configId} after ${p.seconds} s`,
    refused: 'HAProxy refused to reload (Success=0); it keeps running your previous configuration',
    startupLog: "HAProxy's startup log:",
    reloadHint: (p: { lab: string; file: string }) =>
      `Look at lab logs ${p.lab} haproxy, fix ${p.file}, then run lab apply ${p.lab} again`,
    applied: (p: { configId: string; ms: number }) =>
      `HAProxy runs your haproxy.cfg (config ${p.configId}; checked and reloaded in ${p.ms} ms)`,
    answered: (p: { requests: number; http5xx: number }) =>
      `Since the reload HAProxy answered ${p.requests} request(s), ${p.http5xx} with HTTP 5xx`,
    notReady: (p: { answered: string }) =>
      `${p.answered}: servers were not ready at the reload (init-addr last keeps their address across it)`,
    done: (p: { project: string; file: string; lab: string }) =>
      `${p.project}: HAProxy runs ${p.file}. Watch it at the stats page, or run lab status ${p.lab}.`,
  },
  down: {
    removing: (p: { project: string }) => `Removing ${p.project}`,
    removed: (p: { containers: number; networks: number; volumes: number; project: string }) =>
      `Removed ${p.containers} container(s), ${p.networks} network(s), ${p.volumes} volume(s) of ${p.project}`,
    isDown: (p: { project: string }) => `${p.project} is down.`,
    notRunning: (p: { project: string }) => `${p.project} is not running; nothing to remove.`,
    notDeployed: (p: { project: string }) => `${p.project} is not deployed on the swarm; nothing to remove.`,
  },
  up: {
    editThenApply: (p: { lab: string }) => `(edit it, then run: lab apply ${p.lab})`,
    tryNext: 'Try next:',
    whyTasks: 'what to do, task by task',
    whyApply: 'after each edit: HAProxy checks and loads your file, then grades it',
    whyHint: 'stuck? one hint at a time',
    whyGrade: 'your score',
    whyDown: 'remove everything',
  },
};

/** Every language's messages: the same groups, names and params as English. */
export type Catalog = typeof en;
