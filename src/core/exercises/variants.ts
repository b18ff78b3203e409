import type { GradeStatus } from './task-state.ts';

/**
 * Variants: more answers to a task beside its reference solution, kept in the lab's folder
 * (labs/<lab>/variants/*.cfg), so a grade is proven on answers written differently and on the
 * mistakes students make. Each file says in its header comment what it is:
 *
 *     # task: health-checks
 *     # expect: pass            (or fail)
 *     # reason: health checks are off     (fail only: a fragment the FAIL reason must contain)
 *
 * Pure: the header parsed, and lab test's verdict on a graded variant.
 */
export interface Variant {
  task: string;
  expect: 'pass' | 'fail';
  /** For a wrong variant: what the FAIL reason must contain (case-insensitive). */
  reason?: string;
}

export const VARIANTS_DIR = 'variants';

/** The header of a variant file, or what is wrong with it. Only the leading comment block is read. */
export function parseVariant(text: string): { variant: Variant } | { problem: string } {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    const m = /^#\s*(task|expect|reason):\s*(.+?)\s*$/.exec(line);
    if (m && !(m[1]! in fields)) fields[m[1]!] = m[2]!;
  }
  if (!fields.task) return { problem: 'its header names no task (a first comment line "# task: <task id>")' };
  if (fields.expect !== 'pass' && fields.expect !== 'fail')
    return {
      problem: `its header says "# expect: ${fields.expect ?? ''}"; write "# expect: pass" or "# expect: fail"`,
    };
  if (fields.expect === 'fail' && !fields.reason)
    return {
      problem: 'a wrong variant needs "# reason: <what its FAIL reason says>", so it fails for the reason it states',
    };
  if (fields.expect === 'pass' && fields.reason)
    return { problem: 'a correct variant has no "# reason:" (it must pass)' };
  return { variant: { task: fields.task, expect: fields.expect, ...(fields.reason ? { reason: fields.reason } : {}) } };
}

/** lab test's verdict on one variant from its task's grade: correct ones pass, wrong ones fail for their stated reason. */
export function variantVerdict(
  file: string,
  v: Variant,
  graded: { status: GradeStatus; reason: string } | { error: string },
): { verdict: 'PASS' | 'FAIL'; reason: string } {
  if ('error' in graded)
    return {
      verdict: 'FAIL',
      reason: `${file} (task ${v.task}, expect ${v.expect}): could not be applied: ${graded.error}`,
    };
  const got = `${graded.status.toUpperCase()}${graded.status === 'pass' ? '' : `: ${graded.reason}`}`;
  if (v.expect === 'pass') {
    return graded.status === 'pass'
      ? { verdict: 'PASS', reason: `${file}: task ${v.task} passes, as it must` }
      : { verdict: 'FAIL', reason: `${file}: a correct answer to task ${v.task} got ${got}` };
  }
  if (graded.status === 'pass')
    return {
      verdict: 'FAIL',
      reason: `${file}: a wrong answer to task ${v.task} got PASS (it must fail: ${v.reason})`,
    };
  if (!graded.reason.toLowerCase().includes((v.reason ?? '').toLowerCase()))
    return {
      verdict: 'FAIL',
      reason: `${file}: task ${v.task} failed, but not for its stated reason "${v.reason}": got ${got}`,
    };
  return { verdict: 'PASS', reason: `${file}: task ${v.task} fails for its stated reason: ${graded.reason}` };
}
