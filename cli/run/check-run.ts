import { checkSafe } from '../../checkers/check-safe.ts';
import { getChecker } from '../../checkers/registry.ts';
import { unknown, compose, type CheckResult, type ComposedResult } from '../../harness/result.ts';
import type { CheckerUse } from '../../workloads/workload.ts';
import { InputError } from '../../harness/errors.ts';
import type { History } from '../../harness/history/op.ts';

export interface SkippedChecker {
  checker: string;
  reason: string;
}

export interface RunCheck {
  composed: ComposedResult;
  skipped: SkippedChecker[];
}

/**
 * Runs a workload's checkers on a history. Each runs through `checkSafe`, so one that throws
 * becomes `unknown` without stopping the others. A checker this build does not have is an
 * `unknown` result — or, when the workload marked it optional, a line under `skipped` (which
 * keeps the run from passing: see cli/gate/verdict.ts). A checker that rejects the history's
 * shape (InputError) is `unknown` here too.
 */
export async function runCheckers(history: History, uses: readonly CheckerUse[], timeLimitMs?: number): Promise<RunCheck> {
  const results: CheckResult[] = [];
  const skipped: SkippedChecker[] = [];
  for (const use of uses) {
    const checker = getChecker(use.name);
    if (!checker) {
      const reason = `the ${use.name} checker is not available in this build`;
      if (use.optional) skipped.push({ checker: use.name, reason });
      else results.push(unknown(use.name, reason));
      continue;
    }
    const options = { ...use.options, ...(timeLimitMs === undefined ? {} : { timeLimitMs }) };
    try {
      results.push(await checkSafe(checker, history, options));
    } catch (err) {
      // A run's own history rejected by its own workload's checker is not the user's input error:
      // the verdict is unknown (fail closed) and the other checkers still run.
      if (!(err instanceof InputError)) throw err;
      results.push(unknown(use.name, `the ${use.name} checker rejected the history: ${err.message}`));
    }
  }
  return { composed: compose(results), skipped };
}

export interface OpCounts {
  /** Client ops invoked. */
  invoked: number;
  ok: number;
  fail: number;
  info: number;
  /** Invoked and never completed (the run ended while they were in flight). */
  pending: number;
  /** Nemesis operations (pairs count once). */
  nemesis: number;
}

export function countOps(history: History): OpCounts {
  const c: OpCounts = { invoked: 0, ok: 0, fail: 0, info: 0, pending: 0, nemesis: 0 };
  let nemesisRecords = 0;
  for (const op of history) {
    if (op.process === 'nemesis') nemesisRecords++;
    else if (op.type === 'invoke') c.invoked++;
    else c[op.type]++;
  }
  c.pending = c.invoked - c.ok - c.fail - c.info;
  c.nemesis = Math.ceil(nemesisRecords / 2);
  return c;
}
