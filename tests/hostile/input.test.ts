/**
 * Hostile inputs (issue 10, "Keep them fixed"): every case is a mistake a student, an
 * instructor or a CI job can make, refused with exit 2 (usage, lab file) or 3 (environment),
 * a message naming the cause, no stack trace, and nothing started or deleted. See harness.ts.
 */
import { runTable, type HostileCase } from './harness.ts';

/** Options of commands, command-line syntax and --json forms. */
const OPTIONS: HostileCase[] = [
  { name: 'up: a misspelt option', args: ['up', '03', '--replcias', '3'], exit: 2, message: /unknown option '--replcias'[\s\S]*Did you mean --replicas\?[\s\S]*lab up --help/ },
  { name: 'up: a misspelt option, --json', args: ['up', '03', '--replcias', '3', '--json'], exit: 2, message: /"message": "unknown option '--replcias'"/ },
  { name: 'up: no lab', args: ['up'], exit: 2, message: /missing required argument 'lab'/ },
  { name: 'up: --replicas without its value', args: ['up', '03', '-n'], exit: 2, message: /--replicas <n>' argument missing/ },
  { name: 'up: --pull outside its choices', args: ['up', '03', '--pull', 'sometimes'], exit: 2, message: /'sometimes' is invalid. Allowed choices are missing, never, always/ },
  { name: 'up: --pull outside its choices, --json', args: ['--json', 'up', '03', '--pull', 'sometimes'], exit: 2, message: /"kind": "UsageError"/ },
  { name: 'check: an extra argument', args: ['check', '03', '--failover', 'extra'], exit: 2, message: /too many arguments for 'check'[\s\S]*lab check --help/ },
  { name: 'an unknown command', args: ['upp', '03'], exit: 2, message: /unknown command 'upp'[\s\S]*Did you mean up\?/ },
  { name: 'an unknown global option', args: ['--bogus', 'list'], exit: 2, message: /unknown option '--bogus'/ },
  { name: 'up: --image does not swallow the lab', args: ['up', '--image', 'a=b', '03', '--replicas', '0', '-p', 'hostile-image'], exit: 2, message: /--replicas must be a whole number from 1 to 100, got "0"/ },
  { name: 'up: --image without =', args: ['up', '03', '--image', 'haproxy', '-p', 'hostile-image2'], exit: 2, message: /--image "haproxy" must look like FROM=TO/ },
  { name: 'up: --replicas 0', args: ['up', '03', '--replicas', '0', '-p', 'hostile-r0'], exit: 2, message: /--replicas must be a whole number from 1 to 100, got "0"/ },
  { name: 'up: --replicas 101', args: ['up', '03', '-n', '101', '-p', 'hostile-r101'], exit: 2, message: /--replicas must be a whole number from 1 to 100, got "101"/ },
  { name: 'up: --replicas 2.5', args: ['up', '03', '-n', '2.5', '-p', 'hostile-r25'], exit: 2, message: /--replicas must be a whole number/ },
  { name: 'up: --algorithm unknown', args: ['up', '03', '-a', 'fastest', '-p', 'hostile-alg'], exit: 2, message: /--algorithm "fastest" is not supported[\s\S]*roundrobin/ },
  { name: 'up: --mode unknown', args: ['up', '03', '-m', 'l3', '-p', 'hostile-mode'], exit: 2, message: /--mode "l3" is not supported/ },
  { name: 'up: --sticky in tcp mode', args: ['up', '03', '--sticky', '-m', 'tcp', '-p', 'hostile-sticky'], exit: 2, message: /--sticky uses an HTTP cookie/ },
  { name: 'up: --app-port 70000', args: ['up', '03', '--app-port', '70000', '-p', 'hostile-port'], exit: 2, message: /--app-port must be a port from 1 to 65535/ },
  { name: 'up: --stats-port equal to --app-port', args: ['up', '03', '--app-port', '9000', '--stats-port', '9000', '-p', 'hostile-port2'], exit: 2, message: /both 9000; they must differ/ },
  { name: 'up: --stats-password with a newline', args: ['up', '03', '--stats-password', 'a\nstats admin if TRUE', '-p', 'hostile-pw'], exit: 2, message: /--stats-password may only contain/ },
  { name: 'up: --stats-user with a #', args: ['up', '03', '--stats-user', 'ad#min', '-p', 'hostile-user'], exit: 2, message: /--stats-user may only contain/ },
  { name: 'up: --image with ${}', args: ['up', '03', '--image', 'haproxy:3.0=${HOME}', '-p', 'hostile-img3'], exit: 2, message: /--image "haproxy:3.0=\$\{HOME\}" must look like FROM=TO/ },
  { name: 'up: --timeout 0.01', args: ['up', '03', '-t', '0.01', '-p', 'hostile-t'], exit: 2, message: /--timeout must be a whole number of seconds from 1 to 3600, got "0.01"/ },
  { name: 'up: --timeout 3601', args: ['up', '03', '-t', '3601', '-p', 'hostile-t2'], exit: 2, message: /--timeout must be a whole number of seconds from 1 to 3600, got "3601"/ },
  { name: 'up: a lab path instead of an id', args: ['up', '../../etc', '-p', 'hostile-path'], exit: 2, message: /"..\/..\/etc" is not a lab id/ },
  { name: 'up: no such lab', args: ['up', '42', '-p', 'hostile-nolab'], exit: 2, message: /No lab "42"/ },
  { name: 'scale: replicas 0', args: ['scale', '03', '0', '-p', 'hostile-scale'], exit: 2, message: /<replicas> must be a whole number from 1 to 100/ },
  { name: 'scale: --timeout -5', args: ['scale', '03', '4', '-t', '-5', '-p', 'hostile-scale2'], exit: 2, message: /--timeout must be a whole number of seconds from 1 to 3600/ },
  { name: 'logs: an unknown service', args: ['logs', '03', 'db'], exit: 2, message: /Unknown service "db"/ },
  { name: 'logs: --tail -1', args: ['logs', '03', '--tail', '-1'], exit: 2, message: /--tail must be a number of lines or "all"/ },
  { name: 'check: --requests 0', args: ['check', '03', '--requests', '0'], exit: 2, message: /--requests must be a whole number from 1 to 100000/ },
  { name: 'check: --concurrency 1000', args: ['check', '03', '--concurrency', '1000'], exit: 2, message: /--concurrency must be a whole number from 1 to 256/ },
  { name: 'test: --timeout abc', args: ['test', '03', '--timeout', 'abc'], exit: 2, message: /--timeout must be a whole number of seconds from 1 to 3600, got "abc"/ },
  { name: 'reset: --yes with an argument', args: ['reset', '--yes', 'now'], exit: 2, message: /too many arguments for 'reset'/ },
  { name: 'schema: --write and --check together', args: ['schema', '--bogus'], exit: 2, message: /unknown option '--bogus'/ },
];

/** --project names files (workspace, lock) and Docker objects: every command checks it as `up` does. */
const VICTIM = { 'victim.lock': 'a file outside LAB_HOME\n', 'home/victim': 'a file in LAB_HOME\n' };
const PROJECTS: HostileCase[] = [
  { name: 'down: -p ../../victim', args: ['down', '03', '-p', '../../victim'], files: VICTIM, exit: 2, message: /--project "..\/..\/victim" must be lowercase letters/ },
  { name: 'down: -p a/b', args: ['down', '03', '-p', 'a/b'], exit: 2, message: /--project "a\/b" must be/ },
  { name: 'down: -p ../victim, --json', args: ['down', '03', '-p', '../victim', '--json'], files: VICTIM, exit: 2, message: /"message": "--project \\"..\/victim\\" must be/ },
  { name: 'status: -p a/b', args: ['status', '-p', 'a/b'], exit: 2, message: /--project "a\/b" must be/ },
  { name: 'status: -p ../../victim with a lab', args: ['status', '03', '-p', '../../victim'], files: VICTIM, exit: 2, message: /--project "..\/..\/victim" must be/ },
  { name: 'scale: -p ../../victim', args: ['scale', '03', '4', '-p', '../../victim'], files: VICTIM, exit: 2, message: /--project "..\/..\/victim" must be/ },
  { name: 'logs: -p a/b', args: ['logs', '03', '-p', 'a/b'], exit: 2, message: /--project "a\/b" must be/ },
  { name: 'logs: -p a/b -f', args: ['logs', '03', '-f', '-p', 'a/b'], exit: 2, message: /--project "a\/b" must be/ },
  { name: 'check: -p ../../victim', args: ['check', '03', '-p', '../../victim'], files: VICTIM, exit: 2, message: /--project "..\/..\/victim" must be/ },
  { name: 'up: -p Upper', args: ['up', '03', '-p', 'Upper'], exit: 2, message: /--project "Upper" must be lowercase/ },
  { name: 'render: -p ..', args: ['render', '03', '-p', '..'], exit: 2, message: /--project ".." must be/ },
];

runTable('hostile input', [...OPTIONS, ...PROJECTS], { projects: ['lab-03-load-balancing'] });
