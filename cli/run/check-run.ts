import { checkSafe } from '../../checkers/check-safe.ts';
import { getChecker, registerChecker } from '../../checkers/registry.ts';
import { unknown, compose, type CheckResult, type ComposedResult } from '../../harness/result.ts';
import type { CheckerUse } from '../../workloads/workload.ts';
import { InputError } from '../../harness/errors.ts';
import type { History } from '../../harness/history/op.ts';
import type { SkippedChecker } from '../../harness/store/run-result.ts';

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
    const checker = use.checker ?? getChecker(use.name);
    // A test file's own checker is registered for the rest of the process, so the report finds its meanings.
    if (use.checker && getChecker(use.name) !== use.checker) registerChecker(use.checker);
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
