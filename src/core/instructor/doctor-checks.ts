import { plainPalette, type Palette } from '../palette.ts';
import { renderTable } from '../report.ts';
import { EXIT } from '../errors.ts';
import { shortId } from '../lab-id.ts';
import type { LanguageChoice } from '../localized.ts';

type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  detail: string;
  /** The exact command (or step) that fixes a warn or fail. */
  fix?: string;
}

export type PortHolder =
  | { kind: 'free' }
  | { kind: 'lab'; lab: string; project: string; container: string }
  | { kind: 'container'; name: string; image: string }
  | { kind: 'process'; what: string }
  | { kind: 'unchecked'; why: string };

/** What doctor found out; gathered by doctor-probe.ts, judged here. */
export interface DoctorFacts {
  /** `lab`, or `lab --host X` when doctor ran against another engine: fixes are copy-pasteable. */
  lab: string;
  endpoint: { host: string; source: string; local: boolean };
  /** name: "Docker 28.2.2 (API 1.50)" or "Podman 4.3.1 (Docker API 1.41)"; notHere: what lab cannot do on it. */
  engine:
    | {
        ok: true;
        version: string;
        api: string;
        rootDir: string;
        kind?: 'docker' | 'podman';
        name?: string;
        notHere?: string[];
      }
    | { ok: false; error: string; hint?: string };
  compose: { ok: true; version: string } | { ok: false; error: string; hint?: string };
  /** Image substitutions in effect (images file, LAB_IMAGES), each described with its source. */
  substitutions?:
    | { ok: true; file: string; list: string[] }
    | { ok: false; file: string; error: string; hint?: string };
  /** Undefined when the engine could not be asked. */
  images?: { ref: string; role: string; kind: 'pull' | 'build'; labs: string[]; present: boolean }[];
  ports?: { port: number; option: string; labs: string[]; holder: PortHolder }[];
  disk?: { path: string; freeBytes: number } | { path: string; skipped: string };
  leftovers?: {
    stopped: { name: string; project: string; lab: string }[];
    idleNetworks: { name: string; project: string }[];
  };
  locks: { file: string; project: string; pid?: number; command?: string; alive: boolean }[];
  /** The language lab texts print in, and which flag or variable chose it (core/localized.ts). */
  language: LanguageChoice;
}

const LOW_DISK_BYTES = 2e9;
/** Compose needs this for `configs: content`, which lab uses on remote engines. */
const INLINE_CONFIGS_COMPOSE = [2, 23, 1] as const;

const gb = (b: number) => `${(b / 1e9).toFixed(1)} GB`;
const list = (items: string[], max = 4) =>
  items.slice(0, max).join(', ') + (items.length > max ? ` and ${items.length - max} more` : '');

const olderThan = (version: string, min: readonly number[]): boolean => {
  const v = version.split(/[.-]/).map(Number);
  for (let i = 0; i < min.length; i++) if ((v[i] ?? 0) !== min[i]) return (v[i] ?? 0) < min[i]!;
  return false;
};

/** Judge the facts: one row per check, each problem with its fix. Pure. */
export function doctorChecks(f: DoctorFacts): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  const where = `${f.endpoint.host} (${f.endpoint.source})`;
  if (f.engine.ok) {
    const name = f.engine.name ?? `Docker ${f.engine.version} (API ${f.engine.api})`;
    checks.push({
      name: 'engine',
      status: 'ok',
      detail: `${name} at ${where}${f.engine.notHere?.length ? `; not on this engine: ${f.engine.notHere.join('; ')}` : ''}`,
    });
  } else
    checks.push({
      name: 'engine',
      status: 'fail',
      detail: f.engine.error,
      fix: f.engine.hint ?? 'Start the Docker engine, e.g. sudo systemctl start docker',
    });

  if (!f.compose.ok)
    checks.push({
      name: 'compose',
      status: 'fail',
      detail: f.compose.error,
      fix: f.compose.hint ?? 'Install the Compose v2 plugin: sudo apt-get install docker-compose-plugin',
    });
  else if (!f.endpoint.local && olderThan(f.compose.version, INLINE_CONFIGS_COMPOSE)) {
    checks.push({
      name: 'compose',
      status: 'fail',
      detail: `Compose ${f.compose.version}: a remote engine needs ${INLINE_CONFIGS_COMPOSE.join('.')} or later (inline configs)`,
      fix: 'Update the Compose v2 plugin on this machine',
    });
  } else checks.push({ name: 'compose', status: 'ok', detail: `Compose ${f.compose.version}` });

  checks.push(...substitutionChecks(f.substitutions));
  for (const i of f.images ?? []) {
    const what = `${i.ref} (${i.role} of ${i.labs.join(', ')})`;
    if (i.present) checks.push({ name: 'image', status: 'ok', detail: `${what} present` });
    else {
      const why =
        i.kind === 'build' ? 'not built yet (lab up builds it)' : 'missing (lab up pulls it, which needs a registry)';
      checks.push({
        name: 'image',
        status: 'warn',
        detail: `${what} ${why}`,
        fix: `${f.lab} prepare ${i.labs.map(shortId).join(' ')}   # offline: ${f.lab} prepare --load bundle.tar`,
      });
    }
  }

  for (const p of f.ports ?? []) checks.push(portCheck(f.lab, p));

  if (f.disk && 'freeBytes' in f.disk) {
    const low = f.disk.freeBytes < LOW_DISK_BYTES;
    checks.push({
      name: 'disk',
      status: low ? 'warn' : 'ok',
      detail: `${gb(f.disk.freeBytes)} free for Docker's data root ${f.disk.path}`,
      ...(low ? { fix: `${f.lab} reset --images   # or: docker system prune` } : {}),
    });
  } else if (f.disk) checks.push({ name: 'disk', status: 'skip', detail: `${f.disk.path}: ${f.disk.skipped}` });

  if (f.leftovers) {
    const { stopped, idleNetworks } = f.leftovers;
    checks.push(
      stopped.length
        ? {
            name: 'leftovers',
            status: 'warn',
            detail: `${stopped.length} stopped lab container(s): ${list(stopped.map((c) => c.name))}`,
            fix: downCommands(f.lab, stopped),
          }
        : { name: 'leftovers', status: 'ok', detail: 'no stopped lab containers' },
      idleNetworks.length
        ? {
            name: 'leftovers',
            status: 'warn',
            detail: `${idleNetworks.length} lab network(s) without containers: ${list(idleNetworks.map((n) => n.name))}`,
            fix: `${f.lab} reset --yes`,
          }
        : { name: 'leftovers', status: 'ok', detail: 'no lab networks without containers' },
    );
  }
  const stale = f.locks.filter((l) => !l.alive);
  const busy = f.locks.filter((l) => l.alive);
  if (stale.length)
    checks.push({
      name: 'locks',
      status: 'warn',
      detail: `${stale.length} stale lock(s) of ended lab commands: ${list(stale.map((l) => l.project))}`,
      fix: `rm ${stale.map((l) => l.file).join(' ')}`,
    });
  else
    checks.push({
      name: 'locks',
      status: 'ok',
      detail: busy.length
        ? `in use: ${list(busy.map((l) => `lab ${l.command ?? '?'} (pid ${l.pid})`))}`
        : 'no stale locks',
    });
  // A LAB_LANG lab does not know stops every student command (exit 2): a failure here too.
  const l = f.language;
  checks.push(
    l.ok
      ? { name: 'language', status: 'ok', detail: `${l.lang} (from ${l.from})` }
      : { name: 'language', status: 'fail', detail: l.error, fix: l.hint },
  );
  return checks;
}

/** Which images lab runs instead of the ones the lab files name, and who said so. */
function substitutionChecks(s: DoctorFacts['substitutions']): DoctorCheck[] {
  if (!s) return [];
  if (!s.ok) return [{ name: 'substitute', status: 'fail', detail: s.error, fix: s.hint ?? `rm ${s.file}` }];
  if (!s.list.length)
    return [
      { name: 'substitute', status: 'ok', detail: `none: the images the lab files name (no LAB_IMAGES, no ${s.file})` },
    ];
  return s.list.map((detail) => ({ name: 'substitute', status: 'ok', detail }));
}

function portCheck(lab: string, p: NonNullable<DoctorFacts['ports']>[number]): DoctorCheck {
  const name = `port ${p.port}`;
  const h = p.holder;
  const instead = `${lab} up ${p.labs.map(shortId)[0] ?? '03'} ${p.option} auto`;
  switch (h.kind) {
    case 'free':
      return { name, status: 'ok', detail: 'free' };
    case 'lab':
      return { name, status: 'ok', detail: `used by running lab ${h.lab} (project ${h.project})` };
    case 'container':
      return {
        name,
        status: 'fail',
        detail: `held by container ${h.name} (${h.image}), which is not a lab's`,
        fix: `docker stop ${h.name}   # or: ${instead}`,
      };
    case 'process':
      return { name, status: 'fail', detail: `held by ${h.what}`, fix: `stop ${h.what}   # or: ${instead}` };
    case 'unchecked':
      return { name, status: 'skip', detail: h.why };
  }
}

function downCommands(lab: string, stopped: { project: string; lab: string }[]): string {
  const projects = [...new Map(stopped.map((c) => [c.project, c.lab])).entries()];
  if (projects.length > 2) return `${lab} reset --yes`;
  return projects.map(([project, id]) => `${lab} down ${shortId(id) || id} --project ${project}`).join('; ');
}

export const doctorExitCode = (checks: readonly DoctorCheck[]): number =>
  checks.some((c) => c.status === 'fail') ? EXIT.environment : EXIT.ok;

/** The first line of doctor's output: the whole verdict, as a fleet table shows it. Pure. */
export function doctorSummary(checks: readonly DoctorCheck[], host: string): string {
  const n = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  return `${n('fail') ? 'problems found' : 'ready'} on ${host}: ${n('ok')} ok, ${n('warn')} warning(s), ${n('fail')} failed`;
}

/** The table of checks, then the fixes, numbered. Pure. */
export function renderDoctor(checks: readonly DoctorCheck[], c: Palette = plainPalette): string {
  const color = (s: CheckStatus) =>
    s === 'ok' ? c.green(s) : s === 'warn' ? c.yellow(s) : s === 'fail' ? c.red(s) : c.dim(s);
  const table = renderTable(
    checks.map((k) => [k.name, color(k.status), k.detail]),
    ['CHECK', 'STATUS', 'DETAIL'],
  );
  const fixes = checks.filter((k) => k.fix && (k.status === 'warn' || k.status === 'fail'));
  if (fixes.length === 0) return table;
  return [table, '', c.bold('To fix:'), ...fixes.map((k, i) => `  ${i + 1}. ${k.name} (${k.status}): ${k.fix}`)].join(
    '\n',
  );
}
