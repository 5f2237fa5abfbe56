import { InputError, errorText } from '../harness/errors.ts';
import type { History } from '../harness/history/op.ts';
import type { CheckOptions, Checker } from './checker.ts';
import { unknown, type CheckResult } from '../harness/result.ts';
import { brief } from '../harness/abbreviate.ts';
import { checkerNames, getChecker } from './registry.ts';

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
  const warnings = [...(result.warnings ?? []), ...ignoredOptions(checker, options)];
  return { ...result, ...(warnings.length > 0 ? { warnings } : {}), stats: { ...result.stats, checkMs: result.stats?.checkMs ?? checkMs } };
}

/** Options every checker honours (or that only the caller uses). */
const GENERAL = new Set(['timeLimitMs', 'signal']);

/** One warning per option the checker does not read: it had no effect on the verdict. */
export function ignoredOptions(checker: Checker, options: CheckOptions): string[] {
  const out: string[] = [];
  const reads = checker.options;
  if (!reads) return out;
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined || GENERAL.has(name) || reads.includes(name)) continue;
    const takers = checkerNames()
      .filter((n) => getChecker(n)!.options?.includes(name))
      .join(', ');
    out.push(`${name} ${brief(value)} was ignored: the ${checker.name} checker does not use it${takers ? ` (${takers} do${takers.includes(',') ? '' : 'es'})` : ''}`);
  }
  return out;
}
