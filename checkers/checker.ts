import type { History } from '../harness/history/op.ts';
import type { CheckResult } from '../harness/result.ts';

export interface CheckOptions {
  /** Wall-clock budget for this check in ms; past it the checker answers `unknown`. */
  timeLimitMs?: number;
  /** Checker-specific options (`model`, `consistencyModel`, …) from the CLI or the test. */
  [option: string]: unknown;
}

/**
 * A checker is a pure function of a history. It must not throw for a history that passed
 * validation: trouble it cannot decide becomes `valid: 'unknown'` with an `error` (the runner
 * also wraps every checker so an exception becomes `unknown` and never stops its siblings).
 * The one exception is an InputError, for bad options or a history of a shape this checker
 * does not check (a register history given to list-append): the user's mistake, exit 254.
 */
export interface Checker {
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  check(history: History, options: CheckOptions): CheckResult | Promise<CheckResult>;
  /**
   * The options this checker reads, besides `timeLimitMs` and `signal`. Any other option it is
   * given (a `--model` for a checker that takes none) is ignored, and `checkSafe` says so in
   * the result's `warnings` rather than letting the user believe it applied. Every built-in
   * checker declares them; a checker that does not gets no warnings.
   */
  readonly options?: readonly string[];
  /**
   * What each anomaly type it reports means, in one line for a person who has not read Adya's
   * thesis: the report prints it above the anomaly. A type without one gets a generic line.
   */
  readonly meanings?: Readonly<Record<string, string>>;
  /**
   * The `kind`s of structured explanation its anomalies carry (`cycle`, `linearizability`; see
   * explanations.ts): the report draws each with the renderer of that kind. Explanations of any
   * other shape are shown as data.
   */
  readonly explanationKinds?: readonly string[];
  /** Says what is wrong with options it cannot use (an unknown model), before any checking. */
  validateOptions?(options: CheckOptions): string | undefined;
}
