import { describe, expect, it } from 'vitest';
import { EXIT, type ExitCode } from '../../src/core/errors.ts';
import {
  classExitCode,
  classHeadline,
  classJson,
  classSummary,
  csvField,
  machineGrade,
  renderClassCsv,
  renderClassTable,
  type MachineGrade,
} from '../../src/core/instructor/class-grade.ts';
import { renderClassHtml } from '../../src/core/instructor/class-html.ts';
import type { HostResult } from '../../src/core/instructor/fleet-report.ts';
import { publishedHostOf, unreachablePorts } from '../../src/core/published-host.ts';

const TASKS = ['scale-out', 'least-connections', 'sticky-sessions'];
type Status = 'pass' | 'fail' | 'locked';

/** What `lab grade 03 --json` prints on a machine. */
const gradeJson = (statuses: Status[]) => {
  const passed = statuses.filter((s) => s === 'pass').length;
  return JSON.stringify({
    lab: '03-load-balancing',
    score: Math.round((100 * passed) / statuses.length),
    passed,
    total: statuses.length,
    tasks: statuses.map((status, i) => ({
      id: TASKS[i],
      title: 't',
      status,
      reason: status === 'pass' ? 'every check passed' : `why ${i}`,
      checks: [],
    })),
  });
};
const run = (
  name: string,
  exitCode: ExitCode,
  stdout = '',
  error?: HostResult['error'],
  host = `ssh://student@${name}`,
) => ({ entry: { name, host, line: 1 }, exitCode, stdout, error });
const err = (kind: string, message: string, hint?: string) => ({ kind, message, hint, details: [] });

const graded = (name: string, statuses: Status[]) =>
  machineGrade(run(name, statuses.every((s) => s === 'pass') ? EXIT.ok : EXIT.checkFailed, gradeJson(statuses)), TASKS);
/** A machine whose student used lab solve for one task, two hints and the quiz, and whose file is a reference solution. */
const helped = machineGrade(
  run(
    'pc06',
    EXIT.ok,
    JSON.stringify({
      lab: '03-load-balancing',
      score: 67,
      passed: 2,
      solved: 1,
      total: 3,
      tasks: [
        { id: 'scale-out', status: 'pass', reason: 'every check passed' },
        { id: 'least-connections', status: 'solved', reason: 'every check passed' },
        { id: 'sticky-sessions', status: 'pass', reason: 'every check passed' },
      ],
      hints: { 'least-connections': 2 },
      quiz: { correct: 2, total: 3 },
      copiesSolution: ['sticky-sessions'],
    }),
  ),
  TASKS,
);
const CLASS: MachineGrade[] = [
  graded('pc01', ['pass', 'pass', 'pass']),
  graded('pc02', ['pass', 'fail', 'fail']),
  graded('pc03', ['fail', 'locked', 'locked']),
  machineGrade(
    run(
      'pc04',
      EXIT.usage,
      '',
      err(
        'UsageError',
        'Lab 03 is not running (no containers of project lab-03-load-balancing)',
        'Start it with: lab up 03',
      ),
    ),
    TASKS,
  ),
  machineGrade(
    run(
      'pc05',
      EXIT.environment,
      '',
      err('EnvironmentError', 'Cannot reach the Docker engine at ssh://student@pc05: connect ECONNREFUSED'),
    ),
    TASKS,
  ),
];

describe('a machine’s grade from its run', () => {
  const cases: { name: string; r: ReturnType<typeof run>; want: Partial<MachineGrade> }[] = [
    {
      name: 'all pass (exit 0): its tasks and score',
      r: run('a', EXIT.ok, gradeJson(['pass', 'pass', 'pass'])),
      want: { score: 100, passed: 3, total: 3, exitCode: EXIT.ok },
    },
    {
      name: 'a task failed (exit 1): still graded',
      r: run('a', EXIT.checkFailed, gradeJson(['pass', 'fail', 'locked'])),
      want: { score: 33, passed: 1, exitCode: EXIT.checkFailed },
    },
    {
      name: 'lab not running (exit 2): the error with its hint',
      r: run('a', EXIT.usage, '', err('UsageError', 'not running', 'lab up 03')),
      want: { error: { kind: 'UsageError', message: 'not running', hint: 'lab up 03' } },
    },
    {
      name: 'engine unreachable (exit 3): the error',
      r: run('a', EXIT.environment, '', err('EnvironmentError', 'Cannot reach')),
      want: { error: { kind: 'EnvironmentError', message: 'Cannot reach' } },
    },
    {
      name: 'exit 4 with no JSON and no error: says so',
      r: run('a', EXIT.runtime, 'garbage'),
      want: { error: { kind: 'Error', message: 'lab grade printed no grade (exit 4)' } },
    },
    {
      name: 'JSON of something else is not a grade',
      r: run('a', EXIT.checkFailed, '{"outcome":"error"}', err('CheckFailedError', 'x')),
      want: { error: { kind: 'CheckFailedError', message: 'x' } },
    },
  ];
  for (const c of cases)
    it(c.name, () => expect(machineGrade(c.r, TASKS)).toMatchObject({ name: 'a', host: 'ssh://student@a', ...c.want }));

  it('keeps the lab file’s tasks as columns: unknown ids dropped, missing ones fail', () => {
    const stdout = JSON.stringify({
      score: 50,
      passed: 1,
      total: 2,
      tasks: [
        { id: 'other', status: 'pass', reason: '' },
        { id: 'scale-out', status: 'pass', reason: 'ok' },
      ],
    });
    const m = machineGrade(run('a', EXIT.checkFailed, stdout), TASKS);
    expect(m.tasks?.map((t) => [t.id, t.status])).toEqual([
      ['scale-out', 'pass'],
      ['least-connections', 'fail'],
      ['sticky-sessions', 'fail'],
    ]);
  });
});

describe('class summary and exit code', () => {
  it('counts passes per task over every machine, and the machines that passed all', () => {
    expect(classSummary(CLASS, TASKS)).toEqual({
      machines: 5,
      graded: 3,
      notGraded: 2,
      allPassed: 1,
      tasks: [
        { id: 'scale-out', passed: 2 },
        { id: 'least-connections', passed: 1 },
        { id: 'sticky-sessions', passed: 1 },
      ],
    });
    expect(classHeadline(CLASS, TASKS)).toBe('1 of 5 machine(s) passed every task; 2 could not be graded: pc04, pc05');
  });
  const _ = (machines: MachineGrade[], want: number) => () => expect(classExitCode(machines)).toBe(want);
  it('0 only when every machine passes every task', _([CLASS[0]!, CLASS[0]!], EXIT.ok));
  it('1 when a machine failed a task', _([CLASS[0]!, CLASS[1]!], EXIT.checkFailed));
  it('3 when an engine could not be reached, over failed tasks', _([CLASS[1]!, CLASS[4]!], EXIT.environment));
  it('2 when the lab is not running on a machine', _(CLASS, EXIT.usage));
});

describe('marks an instructor can trust', () => {
  it("a task passed after lab solve is SOLVED, not counted as the student's pass", () => {
    expect(helped).toMatchObject({
      passed: 2,
      solved: 1,
      hints: { 'least-connections': 2 },
      quiz: { correct: 2, total: 3 },
      copiesSolution: ['sticky-sessions'],
    });
    expect(classSummary([helped], TASKS).tasks).toEqual([
      { id: 'scale-out', passed: 1 },
      { id: 'least-connections', passed: 0 },
      { id: 'sticky-sessions', passed: 1 },
    ]);
    const table = renderClassTable([helped], TASKS);
    expect(table).toMatch(
      /pc06 +PASS +SOLVED +PASS +2\/3 \(67%\) +2 +2\/3 +solved with lab solve: least-connections; haproxy\.cfg is the reference solution of sticky-sessions/,
    );
  });
  it('CSV: solved, hints per task, quiz and the copied solution as columns', () => {
    const [header, row] = renderClassCsv([helped], TASKS).split('\r\n');
    expect(header).toBe(
      'machine,host,score,passed,solved,total,scale-out,least-connections,sticky-sessions,hints:scale-out,hints:least-connections,hints:sticky-sessions,quiz,copies_solution,error',
    );
    expect(row).toBe('pc06,ssh://student@pc06,67,2,1,3,pass,solved,pass,0,2,0,2/3,sticky-sessions,');
  });
  it('HTML: SOLVED cells, hints, quiz and the note', () => {
    const html = renderClassHtml({
      labId: '03-load-balancing',
      labTitle: 'Lab 03',
      tasks: TASKS.map((id) => ({ id, title: id })),
      machines: [helped],
      generatedAt: 'now',
      lang: 'en',
    });
    expect(html).toContain('<td class="solved" title="every check passed">SOLVED</td>');
    expect(html).toContain(
      '<td>2</td><td>2/3</td><td>solved with lab solve: least-connections; haproxy.cfg is the reference solution of sticky-sessions</td>',
    );
  });
  it("an older machine's grade without these fields reads as none", () => {
    expect(CLASS[0]).toMatchObject({ solved: 0, hints: {}, quiz: null, copiesSolution: [] });
  });
});

describe('class table, JSON and CSV', () => {
  it('table: machines × tasks, score, why a machine was not graded, and a pass-count row', () => {
    expect(renderClassTable(CLASS, TASKS)).toMatchSnapshot();
  });

  it('JSON: { lab, machines, summary } with each machine’s tasks or error', () => {
    const j = classJson('03-load-balancing', CLASS, TASKS) as {
      lab: string;
      exitCode: number;
      machines: MachineGrade[];
      summary: { text: string };
    };
    expect(Object.keys(j).sort()).toEqual(['exitCode', 'lab', 'machines', 'outcome', 'summary']);
    expect(j.exitCode).toBe(EXIT.usage);
    expect(j.machines[1]).toEqual({
      name: 'pc02',
      host: 'ssh://student@pc02',
      exitCode: 1,
      score: 33,
      passed: 1,
      solved: 0,
      total: 3,
      tasks: [
        { id: 'scale-out', status: 'pass', reason: 'every check passed' },
        { id: 'least-connections', status: 'fail', reason: 'why 1' },
        { id: 'sticky-sessions', status: 'fail', reason: 'why 2' },
      ],
      hints: {},
      quiz: null,
      copiesSolution: [],
    });
    expect(j.machines[4]).toEqual({
      name: 'pc05',
      host: 'ssh://student@pc05',
      exitCode: 3,
      error: { kind: 'EnvironmentError', message: expect.stringMatching(/^Cannot reach/) },
    });
    expect(j.summary.text).toBe(classHeadline(CLASS, TASKS));
  });

  it('CSV: a header, one row per machine, CRLF', () => {
    expect(renderClassCsv(CLASS, TASKS)).toMatchSnapshot();
  });

  it('CSV: a name with a comma or a quote stays one field', () => {
    const odd = machineGrade(
      run('ssh://a,b"c@pc', EXIT.ok, gradeJson(['pass', 'pass', 'pass']), undefined, 'ssh://a,b"c@pc'),
      TASKS,
    );
    const [, row] = renderClassCsv([odd], TASKS).split('\r\n');
    expect(row).toBe('"ssh://a,b""c@pc","ssh://a,b""c@pc",100,3,0,3,pass,pass,pass,0,0,0,,,');
  });
});

describe('CSV fields (RFC 4180, no formulas)', () => {
  const cases: [string | number, string][] = [
    ['pc01', 'pc01'],
    [33, '33'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['+1', "'+1"],
    ['-rf', "'-rf"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['日本語', '日本語'],
  ];
  for (const [input, want] of cases) it(`${JSON.stringify(input)} → ${want}`, () => expect(csvField(input)).toBe(want));
});

describe('where checks reach a lab’s published ports', () => {
  const cases: [string, boolean, string, boolean][] = [
    // engine, --expose, host reached, reachable
    ['unix:///var/run/docker.sock', false, '127.0.0.1', true],
    ['tcp://127.0.0.1:2375', false, '127.0.0.1', true],
    ['ssh://root@127.0.0.1:2222', false, '127.0.0.1', true],
    ['ssh://student@localhost', false, 'localhost', true],
    ['ssh://student@pc01', false, 'pc01', false],
    ['ssh://student@pc01', true, 'pc01', true],
    ['tcp://10.0.0.20:2375', false, '10.0.0.20', false],
    ['tcp://10.0.0.20:2375', true, '10.0.0.20', true],
  ];
  for (const [engine, expose, host, reachable] of cases) {
    it(`${engine}${expose ? ' --expose' : ''} → ${host}, ${reachable ? 'reachable' : 'not reachable'}`, () => {
      expect(publishedHostOf(engine)).toBe(host);
      expect(unreachablePorts(engine, expose) === undefined).toBe(reachable);
    });
  }
  it('says why, naming --expose', () => {
    expect(unreachablePorts('ssh://student@pc01', false)).toBe(
      "the lab on ssh://student@pc01 publishes its ports on pc01's 127.0.0.1 only (it was started without --expose), which this machine cannot reach",
    );
  });
});

describe('the class view (--html)', () => {
  const view = (machines: MachineGrade[], lang: 'en' | 'ja' = 'en') =>
    renderClassHtml({
      labId: '03-load-balancing',
      labTitle: 'Load balancing',
      tasks: TASKS.map((id) => ({ id, title: `title of ${id}` })),
      machines,
      generatedAt: '2026-11-29T10:00:00Z',
      lang,
    });

  it('draws a bar per task counting the machines that passed it, and a row per machine', () => {
    const html = view(CLASS);
    expect(html.match(/<rect class="bar"/g)).toHaveLength(TASKS.length);
    // scale-out passed on pc01 and pc02, the others on pc01 only.
    expect([...html.matchAll(/<text class="value"[^>]*>(\d+)</g)].map((m) => Number(m[1]))).toEqual([2, 1, 1]);
    expect(html.match(/<tr><td>pc\d+<\/td>/g)).toHaveLength(CLASS.length);
    expect(html).toContain('1 of 5 machine(s) passed every task');
    expect(html).toContain('Start it with: lab up 03');
    expect(html).toMatchSnapshot();
  });

  it.each([
    ['a machine name', [graded('<script>alert(1)</script>', ['pass', 'pass', 'pass'])]],
    [
      'an error message',
      [machineGrade(run('pc9', EXIT.usage, '', err('UsageError', '<script>alert(1)</script>')), TASKS)],
    ],
  ])('escapes %s', (_what, machines) => {
    const html = view(machines);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('labels in Japanese with --lang ja', () => expect(view(CLASS, 'ja')).toContain('課題ごとの合格マシン数'));
});
