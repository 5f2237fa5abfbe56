import { fileURLToPath } from 'node:url';
import { checkHistory, resolveChecker, type HistoryCheckResult } from '../checkers/check-history.ts';
import type { Checker } from '../checkers/checker.ts';
import type { Model } from '../checkers/linearizable/model.ts';
import { InputError } from '../harness/errors.ts';
import type { Op } from '../harness/history/op.ts';
import { historyFromOps, parseHistoryText, readHistoryFile } from '../harness/importers/read-history.ts';

/**
 * What to check a history with. `checker` is required: a history checked by nothing is not a
 * pass. The other options are the checker's, as `faultline check` passes its flags (camelCased):
 * `model` for `linearizable`, `consistencyModel` for the transactional checkers, and so on.
 */
export interface CheckOptions {
  /** A checker's name (`faultline/checkers` lists them: `checkerNames()`), or your own {@link Checker}. */
  checker: string | Checker;
  /**
   * For `linearizable`: a model's name (`modelNames()`: cas-register, register, kv, mutex, set,
   * fifo-queue) or your own {@link Model}; default `cas-register`.
   */
  model?: string | Model<unknown>;
  /** For `list-append`, `rw-register`, `lost-update`…: the model to check against (`consistencyModels()`); default strict-serializable. */
  consistencyModel?: string;
  /** Past this many ms of checking, the verdict is `unknown` (never a hang). */
  timeLimitMs?: number;
  /** Any other option of the chosen checker (`perKey`, `accounts`, `totalAmount`…). */
  [option: string]: unknown;
}

/**
 * Checks a history: the same result object `faultline check --json` prints for a file (less
 * `file`). `history` is what {@link readHistory} returned, or ops built in code (`index` and
 * `time` may be left out: they default to the op's position). Bad options (an unknown checker or
 * model) and malformed histories throw an {@link InputError} saying what is wrong; a checker that
 * cannot decide answers `valid: 'unknown'` with the reason in `error`.
 */
export async function check(history: readonly (Op | OpInput)[], options: CheckOptions): Promise<HistoryCheckResult> {
  if (!Array.isArray(history)) throw new InputError(`check(history, options): history must be an array of ops, got ${typeOf(history)}`);
  if (typeof options !== 'object' || options === null) throw new InputError(`check(history, options): options must be an object with a checker, got ${typeOf(options)}`);
  const { checker, ...rest } = options;
  if (typeof checker !== 'string' && (typeof checker !== 'object' || checker === null || typeof checker.check !== 'function')) {
    throw new InputError(`check(history, options): options.checker must be a checker's name or a checker object, got ${typeOf(checker)}`);
  }
  const resolved = resolveChecker(checker, rest);
  return checkHistory(historyFromOps(history), resolved, rest);
}

/** An op as written in code: `index` and `time` may be left out (they default to its position). */
export type OpInput = Omit<Op, 'index' | 'time'> & Partial<Pick<Op, 'index' | 'time'>>;

/** A history file's path (or file URL), or its text. */
export type HistorySource = string | URL | { text: string; name?: string };

export interface ReadHistoryOptions {
  /** The format, instead of telling it from the content: faultline, jepsen-edn, jepsen-json, porcupine. */
  format?: string;
  /** The history holds only completions, each invoked right before it (else such a history is refused). */
  completionOnly?: boolean;
}

/**
 * Reads a history in any format `faultline check` reads (faultline JSONL, Jepsen EDN and JSON,
 * Porcupine logs), from a file or from `{ text }`, and checks its structure. Bad input throws an
 * {@link InputError} naming the file (or `name`) and line.
 */
export async function readHistory(source: HistorySource, options: ReadHistoryOptions = {}): Promise<Op[]> {
  if (typeof source === 'string') return readHistoryFile(source, options);
  if (source instanceof URL) return readHistoryFile(fileURLToPath(source), options);
  if (typeof source === 'object' && source !== null && typeof source.text === 'string') return parseHistoryText(source.text, source.name ?? '<history>', options);
  throw new InputError(`readHistory(source): source must be a file path, a file URL or { text }, got ${typeOf(source)}`);
}

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}
