import type { TestSpec } from '../../harness/test-spec.ts';
import { sqlOptionProblems, workloadOptions } from '../sql/sql-options.ts';

export interface LostUpdateOptions {
  /** Counters; few keys mean many concurrent increments of the same one. */
  keys: number;
}

export const LOST_UPDATE_DEFAULTS: LostUpdateOptions = { keys: 4 };

export const lostUpdateOptions = (test: Pick<TestSpec, 'options'>): LostUpdateOptions => workloadOptions(test, LOST_UPDATE_DEFAULTS);
export const lostUpdateOptionProblems = (options: Record<string, unknown>): string[] => sqlOptionProblems('lost-update', options, { ...LOST_UPDATE_DEFAULTS });
