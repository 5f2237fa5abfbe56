import type { Checker } from '../checker.ts';
import { checkTransactions } from './check-transactions.ts';
import { ELLE_MEANINGS } from './meanings.ts';
import { analyzeListAppend } from './list-append.ts';

/** Elle's list-append checker: `["append", k, v]` and `["r", k, [..]]` transactions. */
export const listAppendChecker: Checker = {
  name: 'list-append',
  options: ['consistencyModel', 'cycleSearchWork'],
  description: 'Elle-style list-append: serializability, snapshot isolation, G0…G2, write skew (--consistency-model)',
  meanings: ELLE_MEANINGS,
  explanationKinds: ['cycle'],
  check: (history, options) =>
    checkTransactions(history, options, {
      checker: 'list-append',
      fs: ['append', 'r'],
      readValueOk: (v) => v === null || Array.isArray(v),
      readValueExpected: 'a list (or null for a missing key)',
      analyze: (txns, anomalies) => analyzeListAppend(txns, anomalies),
    }),
};
