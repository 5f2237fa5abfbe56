import type { TestSpec } from '../../harness/test-spec.ts';
import { sqlOptionProblems, workloadOptions } from '../sql/sql-options.ts';

/**
 * The on-call doctors: every shift has `doctorsPerShift` doctors, all on call at the start. A
 * transaction reads the shift's doctors and, if at least two are on call, takes one off call.
 * Any serializable execution leaves at least one doctor on call per shift; snapshot isolation
 * does not (two transactions each see two on call and each take a different one off).
 */
export interface WriteSkewOptions {
  doctorsPerShift: number;
  /** Transactions aimed at one shift before the next shift opens. */
  attemptsPerShift: number;
  /** Shifts created at setup; 0 = enough for the run's rate and time limit. */
  shifts: number;
}

export const WRITE_SKEW_DEFAULTS: WriteSkewOptions = { doctorsPerShift: 2, attemptsPerShift: 4, shifts: 0 };

export function writeSkewOptions(test: Pick<TestSpec, 'options' | 'rate' | 'timeLimit'>): WriteSkewOptions {
  const o = workloadOptions(test, WRITE_SKEW_DEFAULTS);
  // Room for the whole run at its rate, with a margin; an unlimited rate gets a fixed supply.
  const needed = test.rate > 0 ? Math.ceil((test.rate * test.timeLimit * 1.5) / o.attemptsPerShift) + 10 : 5_000;
  return { ...o, shifts: o.shifts > 0 ? o.shifts : Math.min(needed, 50_000) };
}

export function writeSkewOptionProblems(options: Record<string, unknown>): string[] {
  const problems = sqlOptionProblems('write-skew', options, { ...WRITE_SKEW_DEFAULTS });
  if (Number.isInteger(options.doctorsPerShift) && (options.doctorsPerShift as number) < 2) problems.push('doctorsPerShift must be at least 2');
  return problems;
}
