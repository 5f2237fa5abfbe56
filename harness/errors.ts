/** Exit codes: CI gates depend on them (DESIGN.md §4). */
export const EXIT = {
  valid: 0,
  invalid: 1,
  unknown: 2,
  badInput: 254,
  crash: 255,
} as const;

/**
 * Bad arguments or bad input: the CLI prints `message` on one line (no stack trace) and exits 254.
 * For a file, say which file, which line and what was expected.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(file === undefined ? message : `${file}${line === undefined ? '' : `:${line}`}: ${message}`);
  }
}

/** Something the machine can't do (no engine, no netem…): a clear reason, not a stack trace. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}
