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

/** Throws one InputError naming every problem of `what` (`database "kv": start is missing; port must be…`), when there are any. */
export function refuseProblems(what: string, problems: readonly string[]): void {
  if (problems.length > 0) throw new InputError(`${what}: ${problems.join('; ')}`);
}

/**
 * Whether `err` is bad input, by name as well as class: a test file that reached faultline through
 * another copy of it (a global install running a project's local one) throws that copy's InputError.
 */
export function isInputError(err: unknown): err is Error {
  return err instanceof InputError || (err instanceof Error && err.name === 'InputError');
}

/** Something the machine can't do (no engine, no netem…): a clear reason, not a stack trace. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

export interface ErrorTextOptions {
  /** Lead with the error's class (`TypeError: …`); default true. */
  name?: boolean;
  /** Cut the text after this many characters (an ellipsis marks the cut). */
  max?: number;
}

/** Anything thrown, as one piece of text for a person or a history: `Name: message`, or the message alone. */
export function errorText(err: unknown, options: ErrorTextOptions = {}): string {
  const withName = options.name ?? true;
  let text: string;
  if (err instanceof Error) text = withName ? (err.message ? `${err.name}: ${err.message}` : err.name) : err.message;
  else text = String(err);
  return options.max !== undefined && text.length > options.max ? `${text.slice(0, options.max)}…` : text;
}
