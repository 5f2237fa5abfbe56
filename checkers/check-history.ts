import { InputError } from '../harness/errors.ts';
import type { History } from '../harness/history/op.ts';
import type { CheckResult } from '../harness/result.ts';
import type { CheckOptions, Checker } from './checker.ts';
import { checkSafe } from './check-safe.ts';
import { checkers } from './registry.ts';

/**
 * One history checked by one checker: the object `faultline check --json` prints per history file
 * (the CLI adds `file`), and what the library's `check()` returns. One code path for both.
 */
export interface HistoryCheckResult extends CheckResult {
  /** The model checked against, for checkers that take one. */
  model?: string;
  /** History entries (invocations and completions). */
  ops: number;
  /** Distinct keys: independent keys, else the keys transactions touch, else 1 for a single object. */
  keys: number;
}

/**
 * The checker `checker` names (or the one given), with `options` it accepts: an InputError for an
 * unknown name or options it cannot use (an unknown model), before any history is read.
 */
export function resolveChecker(checker: string | Checker, options: CheckOptions): Checker {
  const found = typeof checker === 'string' ? checkers.require(checker) : checker;
  const problem = found.validateOptions?.(options);
  if (problem) throw new InputError(problem);
  return found;
}

/** Checks `history` with a resolved checker; a checker that throws gives `unknown` (checkSafe). */
export async function checkHistory(history: History, checker: Checker, options: CheckOptions): Promise<HistoryCheckResult> {
  const r = await checkSafe(checker, history, options);
  const model = typeof r.details?.model === 'string' ? { model: r.details.model } : {};
  const { valid, ...rest } = r;
  return { valid, ...model, ops: history.length, keys: countKeys(history), ...rest };
}

/**
 * Keys a person would say the history covers: the independent `key` field when ops carry one,
 * else the keys named by transactions' micro-ops (`["append", k, v]`), else one object.
 */
export function countKeys(history: History): number {
  const keys = new Set<unknown>();
  for (const op of history) if (op.key !== undefined) keys.add(op.key);
  if (keys.size > 0) return keys.size;
  for (const op of history) {
    if (!Array.isArray(op.value)) continue;
    for (const mop of op.value) if (Array.isArray(mop) && mop.length === 3 && typeof mop[0] === 'string') keys.add(mop[1]);
  }
  if (keys.size > 0) return keys.size;
  return history.some((op) => op.process !== 'nemesis') ? 1 : 0;
}
