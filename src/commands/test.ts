import { replicaCounts } from '../core/services.ts';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { runChecks, selectChecks } from '../checks/run-checks.ts';
import { checkTarget } from '../checks/target.ts';
import { findLab, listLabFiles, readLab } from '../config/labs.ts';
import type { Context, LabRunner } from '../cli/context.ts';
import { renderJUnit, type JUnitSuite, type JUnitTestCase } from '../core/junit.ts';
import { renderTable } from '../core/report.ts';
import { resolveEndpoint, type Endpoint } from '../docker/endpoint.ts';
import { removeProject } from '../docker/engine.ts';
import { EXIT, type ExitCode, ExitError, formatProblem, LabError, mostSevere, UsageError } from '../core/errors.ts';
import { removeLabFiles, workspaceCleanups } from '../instructor/reset-engine.ts';
import { lockFile, withProjectLock } from '../engine/lock.ts';
import { testExercise } from '../exercises/exercise-test.ts';
import { removeTestStudentFiles } from '../engine/student-files.ts';
import { resolveFlags } from '../config/render-flags.ts';
import { openEngine, type Engine } from '../engine/engine.ts';
import { resolveWorkspace } from '../engine/workspace.ts';
import { startLab } from '../engine/start-lab.ts';
import { parseCount, parseTimeout } from '../core/options.ts';
import { shortId } from '../core/lab-id.ts';
import type { OptionsOf } from '../cli/options.ts';
import type { testCommand } from './test.command.ts';

export type TestOptions = OptionsOf<typeof testCommand> & { labs: string[] };

/** --task: ids of tasks of the one lab named, checked before anything starts. */
function onlyTasks(files: { id: string; file: string }[], ids: string[]): Set<string> {
  if (files.length !== 1)
    throw new UsageError(`--task needs exactly one lab (got ${files.length})`, {
      hint: 'Run lab test <lab> --task <task id>, e.g. lab test 06 --task sticky-cookie',
    });
  const { lab } = readLab(files[0]!.file);
  const known = lab?.lab.tasks.map((t) => t.id) ?? [];
  for (const id of ids) {
    if (!known.includes(id))
      throw new UsageError(
        `--task: lab ${shortId(files[0]!.id)} has no task "${id}"; its tasks are: ${known.join(', ') || 'none'}`,
        { hint: `Run lab tasks ${shortId(files[0]!.id)} to see them` },
      );
  }
  return new Set(ids);
}

interface Step {
  name: string;
  verdict: 'PASS' | 'FAIL' | 'SKIP';
  reason: string;
  ms: number;
}

interface LabRun {
  lab: string;
  project: string;
  steps: Step[];
  /** The most severe exit code this lab's run produced. */
  exitCode: ExitCode;
}

/**
 * Smoke-test lab definitions, for CI: for each lab validate, up (own project name and
 * Docker-assigned ports, so parallel jobs on one machine don't collide), check, and down,
 * always, also after a failure or Ctrl-C. A lab with tasks is tested as an exercise instead of
 * checked: on its starter every task must fail, after its solution each must pass
 * (exercises/exercise-test.ts); `runLab` runs the solutions' lab commands in-process.
 */
export async function test(ctx: Context, opts: TestOptions, runLab?: LabRunner): Promise<void> {
  const files = opts.labs.length ? opts.labs.map((ref) => findLab(ref)) : listLabFiles();
  const timeoutMs = parseTimeout(opts.timeout, 120);
  const requests = parseCount(opts.requests, '--requests', 100_000);
  const only = opts.task ? onlyTasks(files, opts.task) : undefined;
  let engine: Engine | undefined;
  let endpoint: Endpoint | undefined;
  const runs: LabRun[] = [];
  for (const { id, file } of files) {
    if (ctx.signal.aborted) break;
    const project = `labtest-${process.pid}-${shortId(id)}`;
    const run: LabRun = { lab: id, project, steps: [], exitCode: EXIT.ok };
    runs.push(run);
    const step = async (name: string, fn: () => Promise<string>): Promise<boolean> => {
      const t0 = performance.now();
      try {
        run.steps.push({ name, verdict: 'PASS', reason: await fn(), ms: performance.now() - t0 });
        return true;
      } catch (e) {
        const err = e instanceof LabError ? e : new LabError((e as Error).message, EXIT.runtime);
        run.steps.push({
          name,
          verdict: 'FAIL',
          reason: [err.message, ...err.details].join('\n'),
          ms: performance.now() - t0,
        });
        run.exitCode = severest(run.exitCode, err.exitCode);
        return false;
      }
    };
    ctx.out.info(ctx.out.c.bold(`\n${id} (project ${project})`));
    const { lab: loaded, problems } = readLab(file);
    if (!loaded) {
      run.steps.push({ name: 'validate', verdict: 'FAIL', reason: problems.map(formatProblem).join('\n'), ms: 0 });
      run.exitCode = severest(run.exitCode, EXIT.usage);
      continue;
    }
    run.steps.push({ name: 'validate', verdict: 'PASS', reason: 'valid', ms: 0 });
    if (loaded.lab.target === 'swarm') {
      // One engine cannot run it (lab up refuses); its e2e test runs it on a test swarm.
      ctx.out.info(
        `  ${id} runs only on a swarm: validated, not started (lab up ${shortId(id)} --target swarm, then lab check ${shortId(id)} --target swarm --zone-loss <zone>)`,
      );
      continue;
    }
    const options = resolveFlags(ctx, loaded.lab, { project, appPort: 'auto', statsPort: 'auto', image: opts.image });
    const ws = resolveWorkspace(ctx.env, project);
    // A workspace this run creates holds no student's work: its student files go at teardown too.
    const freshWorkspace = !existsSync(ws.dir);
    try {
      endpoint ??= await resolveEndpoint(ctx.env, ctx.host);
    } catch (e) {
      await step('up', () => Promise.reject(e));
      continue;
    }
    const resolved = endpoint;
    await withProjectLock(ctx, resolved, project, `test ${id}`, async () => {
      try {
        const upOk = await step('up', async () => {
          engine ??= await openEngine(ctx, resolved);
          const s = await startLab(ctx, { loaded, options, ws, timeoutMs, pull: 'missing', engine });
          return `${replicaCounts(loaded.lab, options).reduce((n, c) => n + c.replicas, 0)} replicas UP in ${Math.round(s.timings.totalMs)} ms`;
        });
        const exercise = Boolean(runLab) && loaded.lab.tasks.length > 0;
        // The lab's own checks (lab check) first, as on any lab; an exercise lab without
        // checks: has none (its starter would fail the default pair by design).
        if (upOk && engine && (!exercise || loaded.lab.checks.length)) {
          const target = await checkTarget(ctx, engine, project, id);
          const sel = { requests, failover: opts.failover };
          for (const r of await runChecks(ctx, target, selectChecks(loaded.lab, sel), sel)) {
            run.steps.push({ name: r.name, verdict: r.verdict, reason: r.reason, ms: r.ms });
            if (r.verdict === 'FAIL') run.exitCode = severest(run.exitCode, EXIT.checkFailed);
          }
        }
        if (upOk && engine && runLab && exercise) {
          // The solutions' commands run under this command's lock, not refused by it.
          const nested = { ...ctx, heldLocks: new Set([...(ctx.heldLocks ?? []), lockFile(ctx, resolved, project)]) };
          const upExtras = [
            '--app-port',
            'auto',
            '--stats-port',
            'auto',
            ...(opts.image ?? []).flatMap((i) => ['--image', i]),
          ];
          for (const c of await testExercise(nested, runLab, { engine, loaded, project, ws, upExtras, only })) {
            run.steps.push({
              name: c.file ? `${c.task} (${c.file})` : `${c.task} (${c.half})`,
              verdict: c.verdict,
              reason: c.reason,
              ms: c.ms,
            });
            if (c.verdict === 'FAIL') run.exitCode = severest(run.exitCode, EXIT.checkFailed);
          }
        }
      } finally {
        // Always, also after a failure or Ctrl-C: a CI machine must not keep test labs.
        await step('down', async () => {
          if (!engine) return 'nothing started';
          const removed = await removeProject(engine.docker, project);
          if (freshWorkspace) await removeTestStudentFiles(ws);
          // What lab wrote there, and the folder if nothing else is in it (core/workspace-files.ts).
          for (const w of await workspaceCleanups([ws.dir], ctx.env)) await removeLabFiles(w);
          return `removed ${removed.containers.length} container(s)`;
        });
      }
    });
  }
  await finish(ctx, runs, opts.junit);
}

const severest = (a: ExitCode, b: ExitCode): ExitCode => mostSevere([a, b]);

async function finish(ctx: Context, runs: LabRun[], junitFile?: string): Promise<void> {
  const { out } = ctx;
  if (junitFile) await writeFile(junitFile, renderJUnit(runs.map(toSuite), 'lab test'));
  const exitCode = runs.reduce<ExitCode>(
    (a, r) => severest(a, r.exitCode),
    ctx.signal.aborted ? EXIT.interrupted : EXIT.ok,
  );
  const passed = runs.filter((r) => r.exitCode === EXIT.ok).length;
  out.data({
    outcome: exitCode === EXIT.ok ? 'success' : 'failure',
    exitCode,
    passed,
    failed: runs.length - passed,
    junit: junitFile ?? null,
    labs: runs.map((r) => ({ ...r, steps: r.steps.map((s) => ({ ...s, ms: Math.round(s.ms) })) })),
  });
  const mark = (v: Step['verdict']) => (v === 'PASS' ? out.c.green(v) : v === 'FAIL' ? out.c.red(v) : out.c.dim(v));
  const rows = runs.flatMap((r) =>
    r.steps.map((s) => [r.lab, s.name, mark(s.verdict), `${(s.ms / 1000).toFixed(1)}s`, s.reason.split('\n')[0] ?? '']),
  );
  out.result(`\n${renderTable(rows, ['LAB', 'STEP', 'RESULT', 'TIME', 'REASON'])}`);
  out.result(`\n${passed} of ${runs.length} lab(s) passed${junitFile ? `; JUnit written to ${junitFile}` : ''}`);
  if (exitCode !== EXIT.ok) {
    // The table above has said which labs and steps failed and why.
    throw new ExitError(new LabError(`${runs.length - passed} of ${runs.length} lab(s) failed`, exitCode));
  }
}

function toSuite(run: LabRun): JUnitSuite {
  const tests: JUnitTestCase[] = run.steps.map((s) => ({
    name: s.name,
    classname: `lab.${run.lab}`,
    timeSeconds: s.ms / 1000,
    ...(s.verdict === 'FAIL' ? { failure: { message: s.reason.split('\n')[0] ?? 'failed', details: s.reason } } : {}),
    ...(s.verdict === 'SKIP' ? { skipped: s.reason } : {}),
  }));
  return { name: run.lab, tests, timeSeconds: run.steps.reduce((a, s) => a + s.ms, 0) / 1000 };
}
