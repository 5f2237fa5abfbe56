import type { History } from '../harness/history/op.ts';
import { validateHistory } from '../harness/history/validate.ts';
import type { Checker } from './checker.ts';
import type { CheckResult } from '../harness/result.ts';
import { vacuity } from './vacuous.ts';

/**
 * The history's structure (dense indices, monotone times, each invoke completed at most once, no
 * process with two ops in flight) as a checker, so a run's results say the history itself was
 * sound before anything else judged it.
 */
export const wellFormedChecker: Checker = {
  name: 'well-formed',
  options: [],
  description: 'the history is structurally sound (dense indices, monotone times, one op in flight per process)',
  meanings: { 'malformed-history': 'the history itself is broken (indices, times, or a process with two ops in flight), so no verdict about the database can be trusted' },
  check(history: History): CheckResult {
    const problems = validateHistory(history);
    return {
      checker: 'well-formed',
      valid: problems.length === 0,
      anomalyTypes: problems.length === 0 ? [] : ['malformed-history'],
      anomalies: problems.map((p) => ({ type: 'malformed-history', ops: [p.index], text: `op ${p.index}: ${p.message}` })),
      ...(history.length === 0 ? vacuity('the history is empty') : {}),
      details: { ops: history.length },
    };
  },
};
