import type { TestSpec } from '../../harness/test-spec.ts';
import { sqlOptionProblems, workloadOptions } from '../sql/sql-options.ts';

export interface BankOptions {
  accounts: number;
  /** The sum of all balances, which no transfer may change. */
  totalAmount: number;
  /** Transfers move 1…maxTransfer. */
  maxTransfer: number;
}

export const BANK_DEFAULTS: BankOptions = { accounts: 8, totalAmount: 80, maxTransfer: 5 };

export const bankOptions = (test: Pick<TestSpec, 'options'>): BankOptions => workloadOptions(test, BANK_DEFAULTS);
export const bankOptionProblems = (options: Record<string, unknown>): string[] => sqlOptionProblems('bank', options, { ...BANK_DEFAULTS });
