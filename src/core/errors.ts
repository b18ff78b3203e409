/**
 * Every failure a user can cause or meet is a LabError: a message that says what is wrong and
 * where, an optional hint with the command to run next, and the exit code. Only src/main.ts
 * turns these into output and an exit status.
 */
export const EXIT = {
  ok: 0,
  /** A check or lab test failed: the lab ran, but did not behave as expected. */
  checkFailed: 1,
  /** Bad command-line input or an invalid lab file. Nothing was started or deleted. */
  usage: 2,
  /** The environment is not usable: no engine, no Compose v2, a port taken, a lock held. */
  environment: 3,
  /** The lab was started but did not become ready, or a Docker operation failed. */
  runtime: 4,
  /** Interrupted by Ctrl-C. */
  interrupted: 130,
  /** A bug in lab itself (EX_SOFTWARE in BSD's sysexits.h). */
  internal: 70,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Exit codes from most to least severe, for runs that gather several outcomes (lab test, a
 * fleet): Ctrl-C, then a bug, then a usage error (the command itself is wrong), then an
 * environment problem (must be fixed before anything else), then a failed Docker operation,
 * then a failed check.
 */
const SEVERITY: readonly number[] = [
  EXIT.interrupted,
  EXIT.internal,
  EXIT.usage,
  EXIT.environment,
  EXIT.runtime,
  EXIT.checkFailed,
  EXIT.ok,
];

/** The most severe of several exit codes; an unknown code ranks first. Pure. */
export function mostSevere(codes: readonly number[]): ExitCode {
  const rank = (c: number) => (SEVERITY.includes(c) ? SEVERITY.indexOf(c) : 0);
  return codes.reduce<number>((worst, c) => (rank(c) < rank(worst) ? c : worst), EXIT.ok) as ExitCode;
}

export interface ErrorDetails {
  hint?: string;
  /** Extra lines shown after the message, e.g. each problem of a lab file, or log lines. */
  details?: string[];
  cause?: unknown;
}

export class LabError extends Error {
  readonly exitCode: ExitCode;
  readonly hint?: string;
  readonly details: string[];
  constructor(message: string, exitCode: ExitCode, extra: ErrorDetails = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = extra.hint;
    this.details = extra.details ?? [];
  }

  /** The command already printed this outcome: true only of an ExitError. */
  get reported(): boolean {
    return this instanceof ExitError;
  }
}

/** Bad options or arguments. */
export class UsageError extends LabError {
  constructor(message: string, extra?: ErrorDetails) {
    super(message, EXIT.usage, extra);
  }
}

/** One problem in a lab file, located by line and column. */
export interface FileProblem {
  file: string;
  line: number;
  col: number;
  /** Dotted key path, e.g. defaults.replicas; empty for the document itself. */
  key: string;
  message: string;
}

export const formatProblem = (p: FileProblem): string =>
  `${p.file}:${p.line}:${p.col} ${p.key ? `${p.key}: ` : ''}${p.message}`;

/** One or more lab files are invalid; all problems of all files are carried at once. */
export class LabFileError extends LabError {
  readonly problems: FileProblem[];
  constructor(problems: FileProblem[], hint?: string) {
    const files = new Set(problems.map((p) => p.file)).size;
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${files} lab file${files === 1 ? '' : 's'}`,
      EXIT.usage,
      { hint, details: problems.map(formatProblem) },
    );
    this.problems = problems;
  }
}

export class EnvironmentError extends LabError {
  constructor(message: string, extra?: ErrorDetails) {
    super(message, EXIT.environment, extra);
  }
}

export class RuntimeError extends LabError {
  constructor(message: string, extra?: ErrorDetails) {
    super(message, EXIT.runtime, extra);
  }
}

export class CheckFailedError extends LabError {
  constructor(message: string, extra?: ErrorDetails) {
    super(message, EXIT.checkFailed, extra);
  }
}

export class InterruptedError extends LabError {
  constructor(message = 'Interrupted', extra?: ErrorDetails) {
    super(message, EXIT.interrupted, extra);
  }
}

/**
 * The command has already printed its outcome (its --json object, or its table of results):
 * main.ts prints nothing more and only sets the exit code (as changesets' ExitError). The
 * message, hint and details stay, so a fleet run can still show them in its table per host.
 */
export class ExitError extends LabError {
  constructor(reported: LabError) {
    super(reported.message, reported.exitCode, {
      hint: reported.hint,
      details: reported.details,
      cause: reported.cause,
    });
  }
}
