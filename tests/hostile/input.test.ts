/**
 * Hostile inputs (issue 10, "Keep them fixed"): every case is a mistake a student, an
 * instructor or a CI job can make, refused with exit 2 (usage, lab file) or 3 (environment),
 * a message naming the cause, no stack trace, and nothing started or deleted. See harness.ts.
 */
import { readOnly, runTable, type HostileCase } from './harness.ts';

/** Options of commands, command-line syntax and --json forms. */
const OPTIONS: HostileCase[] = [
  {
    name: 'up: a misspelt option',
    args: ['up', '03', '--replcias', '3'],
    exit: 2,
    message: /unknown option '--replcias'[\s\S]*Did you mean --replicas\?[\s\S]*lab up --help/,
  },
  {
    name: 'up: a misspelt option, --json',
    args: ['up', '03', '--replcias', '3', '--json'],
    exit: 2,
    message: /"message": "unknown option '--replcias'"/,
  },
  { name: 'up: no lab', args: ['up'], exit: 2, message: /missing required argument 'lab'/ },
  {
    name: 'up: --replicas without its value',
    args: ['up', '03', '-n'],
    exit: 2,
    message: /--replicas <n>' argument missing/,
  },
  {
    name: 'up: --pull outside its choices',
    args: ['up', '03', '--pull', 'sometimes'],
    exit: 2,
    message: /'sometimes' is invalid. Allowed choices are missing, never, always/,
  },
  {
    name: 'up: --pull outside its choices, --json',
    args: ['--json', 'up', '03', '--pull', 'sometimes'],
    exit: 2,
    message: /"kind": "UsageError"/,
  },
  {
    name: 'check: an extra argument',
    args: ['check', '03', '--failover', 'extra'],
    exit: 2,
    message: /too many arguments for 'check'[\s\S]*lab check --help/,
  },
  {
    name: 'an unknown command',
    args: ['upp', '03'],
    exit: 2,
    message: /unknown command 'upp'[\s\S]*Did you mean up\?/,
  },
  { name: 'an unknown global option', args: ['--bogus', 'list'], exit: 2, message: /unknown option '--bogus'/ },
  {
    name: 'up: --image does not swallow the lab',
    args: ['up', '--image', 'a=b', '03', '--replicas', '0', '-p', 'hostile-image'],
    exit: 2,
    message: /--replicas must be a whole number from 1 to 100, got "0"/,
  },
  {
    name: 'up: --image without =',
    args: ['up', '03', '--image', 'haproxy', '-p', 'hostile-image2'],
    exit: 2,
    message: /--image "haproxy" must look like FROM=TO/,
  },
  {
    name: 'up: --replicas 0',
    args: ['up', '03', '--replicas', '0', '-p', 'hostile-r0'],
    exit: 2,
    message: /--replicas must be a whole number from 1 to 100, got "0"/,
  },
  {
    name: 'up: --replicas 101',
    args: ['up', '03', '-n', '101', '-p', 'hostile-r101'],
    exit: 2,
    message: /--replicas must be a whole number from 1 to 100, got "101"/,
  },
  {
    name: 'up: --replicas 2.5',
    args: ['up', '03', '-n', '2.5', '-p', 'hostile-r25'],
    exit: 2,
    message: /--replicas must be a whole number/,
  },
  {
    name: 'up: --algorithm unknown',
    args: ['up', '03', '-a', 'fastest', '-p', 'hostile-alg'],
    exit: 2,
    message: /--algorithm "fastest" is not supported[\s\S]*roundrobin/,
  },
  {
    name: 'up: --mode unknown',
    args: ['up', '03', '-m', 'l3', '-p', 'hostile-mode'],
    exit: 2,
    message: /--mode "l3" is not supported/,
  },
  {
    name: 'up: --sticky in tcp mode',
    args: ['up', '03', '--sticky', '-m', 'tcp', '-p', 'hostile-sticky'],
    exit: 2,
    message: /--sticky uses an HTTP cookie/,
  },
  {
    name: 'up: --app-port 70000',
    args: ['up', '03', '--app-port', '70000', '-p', 'hostile-port'],
    exit: 2,
    message: /--app-port must be a port from 1 to 65535/,
  },
  {
    name: 'up: --stats-port equal to --app-port',
    args: ['up', '03', '--app-port', '9000', '--stats-port', '9000', '-p', 'hostile-port2'],
    exit: 2,
    message: /both 9000; they must differ/,
  },
  {
    name: 'up: --stats-password with a newline',
    args: ['up', '03', '--stats-password', 'a\nstats admin if TRUE', '-p', 'hostile-pw'],
    exit: 2,
    message: /--stats-password may only contain/,
  },
  {
    name: 'up: --stats-user with a #',
    args: ['up', '03', '--stats-user', 'ad#min', '-p', 'hostile-user'],
    exit: 2,
    message: /--stats-user may only contain/,
  },
  {
    name: 'up: --image with ${}',
    args: ['up', '03', '--image', 'haproxy:3.0=${HOME}', '-p', 'hostile-img3'],
    exit: 2,
    message: /--image "haproxy:3.0=\$\{HOME\}" must look like FROM=TO/,
  },
  {
    name: 'up: --timeout 0.01',
    args: ['up', '03', '-t', '0.01', '-p', 'hostile-t'],
    exit: 2,
    message: /--timeout must be a whole number of seconds from 1 to 3600, got "0.01"/,
  },
  {
    name: 'up: --timeout 3601',
    args: ['up', '03', '-t', '3601', '-p', 'hostile-t2'],
    exit: 2,
    message: /--timeout must be a whole number of seconds from 1 to 3600, got "3601"/,
  },
  {
    name: 'up: a lab path instead of an id',
    args: ['up', '../../etc', '-p', 'hostile-path'],
    exit: 2,
    message: /"..\/..\/etc" is not a lab id/,
  },
  { name: 'up: no such lab', args: ['up', '42', '-p', 'hostile-nolab'], exit: 2, message: /No lab "42"/ },
  {
    name: 'scale: replicas 0',
    args: ['scale', '03', '0', '-p', 'hostile-scale'],
    exit: 2,
    message: /<replicas> must be a whole number from 1 to 100/,
  },
  {
    name: 'scale: --timeout -5',
    args: ['scale', '03', '4', '-t', '-5', '-p', 'hostile-scale2'],
    exit: 2,
    message: /--timeout must be a whole number of seconds from 1 to 3600/,
  },
  { name: 'logs: an unknown service', args: ['logs', '03', 'db'], exit: 2, message: /Unknown service "db"/ },
  {
    name: 'logs: --tail -1',
    args: ['logs', '03', '--tail', '-1'],
    exit: 2,
    message: /--tail must be a number of lines or "all"/,
  },
  {
    name: 'check: --requests 0',
    args: ['check', '03', '--requests', '0'],
    exit: 2,
    message: /--requests must be a whole number from 1 to 100000/,
  },
  {
    name: 'check: --concurrency 1000',
    args: ['check', '03', '--concurrency', '1000'],
    exit: 2,
    message: /--concurrency must be a whole number from 1 to 256/,
  },
  {
    name: 'test: --timeout abc',
    args: ['test', '03', '--timeout', 'abc'],
    exit: 2,
    message: /--timeout must be a whole number of seconds from 1 to 3600, got "abc"/,
  },
  {
    name: 'reset: --yes with an argument',
    args: ['reset', '--yes', 'now'],
    exit: 2,
    message: /too many arguments for 'reset'/,
  },
  {
    name: 'schema: --write and --check together',
    args: ['schema', '--bogus'],
    exit: 2,
    message: /unknown option '--bogus'/,
  },
];

/** --project names files (workspace, lock) and Docker objects: every command checks it as `up` does. */
const VICTIM = { 'victim.lock': 'a file outside LAB_HOME\n', 'home/victim': 'a file in LAB_HOME\n' };
const PROJECTS: HostileCase[] = [
  {
    name: 'down: -p ../../victim',
    args: ['down', '03', '-p', '../../victim'],
    files: VICTIM,
    exit: 2,
    message: /--project "..\/..\/victim" must be lowercase letters/,
  },
  { name: 'down: -p a/b', args: ['down', '03', '-p', 'a/b'], exit: 2, message: /--project "a\/b" must be/ },
  {
    name: 'down: -p ../victim, --json',
    args: ['down', '03', '-p', '../victim', '--json'],
    files: VICTIM,
    exit: 2,
    message: /"message": "--project \\"..\/victim\\" must be/,
  },
  { name: 'status: -p a/b', args: ['status', '-p', 'a/b'], exit: 2, message: /--project "a\/b" must be/ },
  {
    name: 'status: -p ../../victim with a lab',
    args: ['status', '03', '-p', '../../victim'],
    files: VICTIM,
    exit: 2,
    message: /--project "..\/..\/victim" must be/,
  },
  {
    name: 'scale: -p ../../victim',
    args: ['scale', '03', '4', '-p', '../../victim'],
    files: VICTIM,
    exit: 2,
    message: /--project "..\/..\/victim" must be/,
  },
  { name: 'logs: -p a/b', args: ['logs', '03', '-p', 'a/b'], exit: 2, message: /--project "a\/b" must be/ },
  { name: 'logs: -p a/b -f', args: ['logs', '03', '-f', '-p', 'a/b'], exit: 2, message: /--project "a\/b" must be/ },
  {
    name: 'check: -p ../../victim',
    args: ['check', '03', '-p', '../../victim'],
    files: VICTIM,
    exit: 2,
    message: /--project "..\/..\/victim" must be/,
  },
  { name: 'up: -p Upper', args: ['up', '03', '-p', 'Upper'], exit: 2, message: /--project "Upper" must be lowercase/ },
  { name: 'render: -p ..', args: ['render', '03', '-p', '..'], exit: 2, message: /--project ".." must be/ },
];

/** A valid lab 07 (a prebuilt app image: nothing to build), with fields replaced by a case. */
const ABSENT_IMAGE = 'hostile/absent-app:1';
function labYaml(
  o: {
    id?: string;
    appImage?: string;
    lbImage?: string;
    health?: string;
    user?: string;
    password?: string;
    extra?: string;
  } = {},
): string {
  const q = (v: string) => JSON.stringify(v); // a YAML double-quoted string can hold any text
  return [
    `id: ${q(o.id ?? '07-hostile')}`,
    'title: A lab for hostile tests',
    'summary: Used by tests/hostile only.',
    'goals:',
    '  - Be refused cleanly.',
    'app:',
    `  image: ${q(o.appImage ?? ABSENT_IMAGE)}`,
    '  port: 8000',
    `  health: ${q(o.health ?? '/health')}`,
    'loadBalancer:',
    `  image: ${q(o.lbImage ?? 'haproxy:3.0')}`,
    'defaults:',
    `  statsUser: ${q(o.user ?? 'admin')}`,
    `  statsPassword: ${q(o.password ?? 'admin')}`,
    ...(o.extra ? [o.extra] : []),
    '',
  ].join('\n');
}
const LAB = 'labs/07-hostile/lab.yaml';
const labsEnv = { LAB_LABS_DIR: '{dir}/labs' };
/** `lab up 07` on a lab file a case wrote; a project of its own in case it is wrongly accepted. */
const upLab = (n: string, file: string | Buffer, exit: number, message: RegExp): HostileCase => ({
  name: `lab file: ${n}`,
  args: [
    'up',
    '07',
    '-p',
    `hostile-lab-${n
      .replace(/[^a-z0-9]+/gi, '-')
      .toLowerCase()
      .replace(/^-|-$/g, '')}`.slice(0, 60),
    '--app-port',
    'auto',
    '--stats-port',
    'auto',
  ],
  env: labsEnv,
  files: { [LAB]: file },
  exit,
  message,
});
const aliasBomb = () => {
  let yaml = `${labYaml()}a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n`;
  for (let i = 1; i < 10; i++)
    yaml += `a${i}: &a${i} [${Array(9)
      .fill(`*a${i - 1}`)
      .join(',')}]\n`;
  return yaml;
};
const LAB_FILES: HostileCase[] = [
  upLab('an alias bomb', aliasBomb(), 2, /lab\.yaml:16:10 too many aliases/),
  upLab(
    'deep nesting',
    `${labYaml()}deep: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`,
    2,
    /lab\.yaml:15:\d+ invalid YAML/,
  ),
  upLab(
    '20 MB',
    `${labYaml()}# ${'x'.repeat(20 * 2 ** 20)}\n`,
    2,
    /lab\.yaml:1:1 is 20\.0 MB; a lab file may be at most 1 MB/,
  ),
  upLab(
    'invalid UTF-8',
    Buffer.from(labYaml().replace('title: A lab', 'title: Caf\u00e9 lab'), 'latin1'),
    2,
    /lab\.yaml:2:11 is not valid UTF-8/,
  ),
  upLab('tabs for indentation', labYaml().replace('  port: 8000', '\tport: 8000'), 2, /lab\.yaml:8:1 invalid YAML/),
  upLab(
    'a duplicate key',
    labYaml().replace('  port: 8000', '  port: 8000\n  port: 8001'),
    2,
    /lab\.yaml:9:3 (app\.)?port: duplicate key/,
  ),
  upLab(
    'app.image with a newline',
    labYaml({ appImage: 'node:20\n    privileged: true' }),
    2,
    /app\.image: an image reference may only contain/,
  ),
  upLab(
    'loadBalancer.image with a #',
    labYaml({ lbImage: 'haproxy:3.0 #' }),
    2,
    /loadBalancer\.image: an image reference may only contain/,
  ),
  upLab('app.image with ${}', labYaml({ appImage: '${HOME}' }), 2, /app\.image: an image reference may only contain/),
  upLab(
    'app.health with a newline',
    labYaml({ health: '/health\n    stats admin if TRUE' }),
    2,
    /app\.health: must be a path like \/health/,
  ),
  upLab('app.health with a #', labYaml({ health: '/health#x' }), 2, /app\.health: must be a path like \/health/),
  upLab('statsPassword with a quote', labYaml({ password: 'ad"min' }), 2, /defaults\.statsPassword: may only contain/),
  upLab('statsUser with a newline', labYaml({ user: 'admin\nuserlist x' }), 2, /defaults\.statsUser: may only contain/),
  upLab(
    'a build argument with ${}',
    labYaml().replace('  port: 8000', '  build:\n    context: .\n    args:\n      BASE_IMAGE: "${HOME}"\n  port: 8000'),
    2,
    /app\.build\.args\.BASE_IMAGE: a build argument may only contain/,
  ),
  upLab(
    'a check name with a newline',
    labYaml({ extra: 'checks:\n  - name: "up\\n# x"\n    kind: replicas-up' }),
    2,
    /checks\.0\.name: must be kebab-case/,
  ),
  upLab('an id with a #', labYaml({ id: '07-hostile #x' }), 2, /id: must look like 03-load-balancing/),
  {
    name: 'lab file: an id that differs from its folder',
    args: ['validate', '{dir}/labs/mylab'],
    files: { 'labs/mylab/lab.yaml': labYaml() },
    exit: 2,
    message: /labs\/mylab\/lab\.yaml:1:1 id: is "07-hostile" but the folder is "mylab"/,
  },
  {
    name: 'lab file: a BOM is accepted',
    args: ['validate', '{dir}/labs/07-hostile'],
    files: { [LAB]: `\ufeff${labYaml()}` },
    exit: 0,
    message: /1 lab file valid/,
  },
  {
    name: 'lab file: CRLF line ends are accepted',
    args: ['validate', '{dir}/labs/07-hostile'],
    files: { [LAB]: labYaml().replaceAll('\n', '\r\n') },
    exit: 0,
    message: /1 lab file valid/,
  },
];

/** Environment variables. As root, mode bits are ignored: unwritable means a read-only mount or a file in the path. */
const UP03 = ['up', '03', '--app-port', 'auto', '--stats-port', 'auto', '-p'];
const ENVIRONMENT: HostileCase[] = [
  {
    name: 'LAB_HOME is a file',
    args: [...UP03, 'hostile-home-file'],
    files: { homefile: 'x' },
    env: { LAB_HOME: '{dir}/homefile' },
    exit: 3,
    message: /Cannot write .*homefile\/locks: .*homefile is a file, not a folder[\s\S]*LAB_HOME/,
  },
  {
    name: 'LAB_HOME is under a file',
    args: [...UP03, 'hostile-home-under'],
    files: { f: 'x' },
    env: { LAB_HOME: '{dir}/f/home' },
    exit: 3,
    message: /\/f is a file, not a folder[\s\S]*LAB_HOME \(/,
  },
  {
    name: 'LAB_HOME is read-only',
    args: [...UP03, 'hostile-home-ro'],
    setup: (d) => readOnly(`${d}/ro`),
    env: { LAB_HOME: '{dir}/ro' },
    exit: 3,
    message: /Cannot write .*\/ro\/locks: .*the file system is read-only[\s\S]*LAB_HOME/,
  },
  {
    name: 'LAB_HOME is in a read-only folder',
    args: [...UP03, 'hostile-home-ro2'],
    setup: (d) => readOnly(`${d}/ro`),
    env: { LAB_HOME: '{dir}/ro/home' },
    exit: 3,
    message: /read-only[\s\S]*LAB_HOME/,
  },
  {
    name: 'LAB_HOME read-only: render',
    args: ['render', '03'],
    setup: (d) => readOnly(`${d}/ro`),
    env: { LAB_HOME: '{dir}/ro' },
    exit: 3,
    message: /Cannot write .*\/ro\/workspaces.*read-only/,
  },
  {
    name: 'LAB_HOME read-only, --json',
    args: [...UP03, 'hostile-home-ro3', '--json'],
    setup: (d) => readOnly(`${d}/ro`),
    env: { LAB_HOME: '{dir}/ro' },
    exit: 3,
    message: /"kind": "EnvironmentError"/,
  },
  {
    name: 'LAB_LABS_DIR is a file',
    args: ['list'],
    files: { labsfile: 'x' },
    env: { LAB_LABS_DIR: '{dir}/labsfile' },
    exit: 3,
    message: /LAB_LABS_DIR names .*labsfile, which is a file, not a folder/,
  },
  {
    name: 'LAB_LABS_DIR does not exist',
    args: [...UP03, 'hostile-labsdir'],
    env: { LAB_LABS_DIR: '{dir}/nope' },
    exit: 3,
    message: /LAB_LABS_DIR names .*nope, which does not exist/,
  },
  {
    name: 'LAB_IMAGES without =',
    args: [...UP03, 'hostile-images'],
    env: { LAB_IMAGES: 'haproxy:3.0' },
    exit: 3,
    message: /LAB_IMAGES: "haproxy:3.0" must look like FROM=TO/,
  },
  {
    name: 'LAB_IMAGES with a newline',
    args: ['render', '03', '-w', '{dir}/ws'],
    env: { LAB_IMAGES: 'a=b=c' },
    exit: 3,
    message: /LAB_IMAGES: "a=b=c" must look like FROM=TO/,
  },
  {
    name: 'DOCKER_HOST not a URL',
    args: ['status'],
    env: { DOCKER_HOST: 'tcp://[::1' },
    exit: 3,
    message: /Docker host "tcp:\/\/\[::1" \(from DOCKER_HOST\) is not/,
  },
  {
    name: 'DOCKER_HOST an unknown scheme',
    args: ['status'],
    env: { DOCKER_HOST: 'http://localhost:2375' },
    exit: 3,
    message: /\(from DOCKER_HOST\) is not a unix:\/\/, tcp:\/\/ or ssh:\/\/ address/,
  },
  {
    name: 'DOCKER_HOST unreachable',
    args: ['status', '03'],
    env: { DOCKER_HOST: 'tcp://127.0.0.1:1' },
    exit: 3,
    message: /Cannot reach the Docker engine at tcp:\/\/127\.0\.0\.1:1 \(from DOCKER_HOST\)/,
  },
  {
    name: 'DOCKER_HOST a missing socket',
    args: ['status', '--json'],
    env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    exit: 3,
    message: /the socket does not exist/,
  },
];

/** Hosts files of --hosts. */
const HOSTS: HostileCase[] = [
  {
    name: '--hosts: a missing file',
    args: ['--hosts', '{dir}/room.txt', 'status'],
    exit: 2,
    message: /Cannot read hosts file .*room\.txt: no such file/,
  },
  {
    name: '--hosts: a bad line',
    args: ['--hosts', '{dir}/room.txt', 'status'],
    files: { 'room.txt': 'pc01 unix:///var/run/docker.sock\npc02 http://pc02\n' },
    exit: 2,
    message: /room\.txt:2: "http:\/\/pc02" is not a unix:\/\//,
  },
  {
    name: '--hosts: a duplicate name',
    args: ['--hosts', '{dir}/room.txt', 'status'],
    files: { 'room.txt': 'pc01 unix:///a.sock\npc01 unix:///b.sock\n' },
    exit: 2,
    message: /room\.txt:2: "pc01" is already on line 1/,
  },
  {
    name: '--hosts: an address that is no URL',
    args: ['--hosts', '{dir}/room.txt', 'status'],
    files: { 'room.txt': 'pc01 tcp://[::1\n' },
    exit: 2,
    message: /room\.txt:1: "tcp:\/\/\[::1" is not/,
  },
  {
    name: '--hosts: an empty file',
    args: ['--hosts', '{dir}/room.txt', 'doctor'],
    files: { 'room.txt': '# nobody\n\n' },
    exit: 2,
    message: /lists no hosts/,
  },
  {
    name: '--hosts with --host',
    args: ['--hosts', '{dir}/room.txt', '--host', 'unix:///x.sock', 'status'],
    files: { 'room.txt': 'pc01 unix:///a.sock\n' },
    exit: 2,
    message: /--host and --hosts cannot be used together/,
  },
];

/** Commands on a lab that is not running, and images that are not there (these reach the engine). */
const NOT_THERE: HostileCase[] = [
  {
    name: 'logs: a lab that is not running',
    args: ['logs', '03', '-p', 'hostile-not-running'],
    docker: true,
    exit: 2,
    message: /Lab 03 -p hostile-not-running is not running[\s\S]*lab up 03 -p hostile-not-running/,
  },
  {
    name: 'logs -f: a lab that is not running',
    args: ['logs', '03', '-f', '-p', 'hostile-not-running'],
    docker: true,
    exit: 2,
    message: /is not running \(no containers of project hostile-not-running\), so it has no logs/,
  },
  {
    name: 'logs --json: a lab that is not running',
    args: ['logs', '03', '--json'],
    docker: true,
    exit: 2,
    message: /"message": "Lab 03 is not running/,
  },
];

runTable('hostile input', [...OPTIONS, ...PROJECTS, ...LAB_FILES, ...ENVIRONMENT, ...HOSTS, ...NOT_THERE], {
  projects: ['lab-03-load-balancing'],
});
