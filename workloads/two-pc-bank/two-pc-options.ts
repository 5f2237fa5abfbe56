import type { TestSpec } from '../../harness/test-spec.ts';
import { sqlOptionProblems, workloadOptions } from '../sql/sql-options.ts';

export interface TwoPcOptions {
  /** Accounts, spread over the shards round-robin. */
  accounts: number;
  totalAmount: number;
  maxTransfer: number;
  /** Share of reads among transfers and reads. */
  readFraction: number;
  /** Share of transfers whose coordinator "crashes" after PREPARE or after logging commit. */
  coordinatorCrashes: number;
  /** Seconds between recovery passes during the run. */
  recoverEvery: number;
  /** ms the coordinator waits between PREPARE and its decision (0: none), so kills land in doubt. */
  prepareHoldMs: number;
}

export const TWO_PC_DEFAULTS: TwoPcOptions = { accounts: 8, totalAmount: 800, maxTransfer: 10, readFraction: 0.2, coordinatorCrashes: 0.02, recoverEvery: 2, prepareHoldMs: 0 };

export const twoPcOptions = (test: Pick<TestSpec, 'options'>): TwoPcOptions => workloadOptions(test, TWO_PC_DEFAULTS);

export const twoPcOptionProblems = (options: Record<string, unknown>): string[] =>
  sqlOptionProblems('2pc-bank', options, { ...TWO_PC_DEFAULTS }, ['readFraction', 'coordinatorCrashes']);
