import type { CheckResult, Validity } from '../../harness/result.ts';
import type { OpCounts, SkippedChecker } from '../../harness/store/run-result.ts';

/** What a run did besides its checkers' verdicts: each can keep it from passing. */
export interface RunFacts {
  /** Stopped by a signal before the time limit. */
  interrupted: boolean;
  /** Why the run could not finish (setup failed, a client broke its contract…), if it did not. */
  error?: string;
  /** Checkers the workload asked for that did not run. */
  skipped: readonly SkippedChecker[];
  ops: Pick<OpCounts, 'invoked' | 'ok'>;
  /** There is no record of how the run ended (a re-checked run without results.json). */
  unfinished?: string;
}

/** The checkers' merged verdict, and each checker's result (for vacuous passes). */
export interface CheckedVerdict {
  valid: Validity;
  checkers: Readonly<Record<string, Pick<CheckResult, 'valid' | 'vacuous' | 'vacuousReason'>>>;
}

export interface GateVerdict {
  valid: Validity;
  /** Why the run cannot pass whatever its checkers said; empty when nothing holds it back. */
  incomplete: string[];
}

/**
 * The gate fails closed (DESIGN.md §4): only an explicit `valid: true` from the checkers of a run
 * that finished, ran every checker it asked for and saw at least one operation succeed passes.
 * Anything that held the run back turns a pass into `unknown`; an anomaly found in what was
 * recorded stays `false`, because it is real however the run ended. A checker's vacuous pass
 * (nothing in the history could have failed it: checkers/vacuous.ts) is not a pass either.
 */
export function gateVerdict(result: Validity | CheckedVerdict, facts: RunFacts): GateVerdict {
  const checked = typeof result === 'object' && result !== null ? result.valid : result;
  const incomplete: string[] = [];
  if (facts.unfinished) incomplete.push(facts.unfinished);
  if (facts.error !== undefined) incomplete.push(`the run failed: ${facts.error}`);
  if (facts.interrupted) incomplete.push('the run was interrupted before its time limit');
  for (const s of facts.skipped) incomplete.push(`the ${s.checker} checker did not run: ${s.reason}`);

  // An empty run is worth saying only when nothing above already explains it.
  const explained = incomplete.length > 0;
  if (!explained && facts.ops.invoked === 0) incomplete.push('no client operation was invoked');
  else if (!explained && facts.ops.ok === 0) incomplete.push('no client operation succeeded');
  else if (!explained && typeof result === 'object' && result !== null) {
    for (const [name, r] of Object.entries(result.checkers)) {
      if (r.vacuous && r.valid === true) incomplete.push(`the ${name} checker had nothing to check: ${r.vacuousReason ?? 'its pass is vacuous'}`);
    }
  }
  // Anything but the three known values (a hand-edited or corrupt result) is not a pass either.
  const known: Validity = checked === true || checked === false ? checked : 'unknown';
  return { valid: known === true && incomplete.length > 0 ? 'unknown' : known, incomplete };
}
