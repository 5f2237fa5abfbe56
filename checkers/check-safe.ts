import { InputError, errorText } from '../harness/errors.ts';
import type { History } from '../harness/history/op.ts';
import type { CheckOptions, Checker } from './checker.ts';
import { unknown, type CheckResult } from '../harness/result.ts';

/**
 * Runs a checker so that an exception becomes `valid: 'unknown'` with the error recorded, and
 * stamps `stats.checkMs` (checking only, parsing excluded). An InputError (bad options, or a
 * history of a shape this checker does not check) is rethrown: that is the user's mistake, for
 * exit code 254, not an undecidable history.
 */
export async function checkSafe(checker: Checker, history: History, options: CheckOptions = {}): Promise<CheckResult> {
  const start = performance.now();
  let result: CheckResult;
  try {
    result = await checker.check(history, options);
  } catch (err) {
    if (err instanceof InputError) throw err;
    result = unknown(checker.name, `checker ${checker.name} crashed: ${errorText(err, { name: false })}`);
  }
  const checkMs = performance.now() - start;
  return { ...result, stats: { ...result.stats, checkMs: result.stats?.checkMs ?? checkMs } };
}
