import type { Checker } from '../checker.ts';
import { checkTransactions } from './check-transactions.ts';
import { ELLE_MEANINGS } from './meanings.ts';
import { analyzeRwRegister } from './rw-register.ts';

/**
 * Elle's rw-register checker: `["w", k, v]` and `["r", k, v]` transactions with unique writes.
 * Options: `wfrKeys` (default true), `sequentialKeys`, `linearizableKeys` (see rw-register.ts).
 */
export const rwRegisterChecker: Checker = {
  name: 'rw-register',
  options: ['consistencyModel', 'cycleSearchWork', 'sequentialKeys', 'linearizableKeys', 'wfrKeys'],
  description: 'Elle-style read/write registers: G0…G2 from inferred version orders (--consistency-model, --sequential-keys, --linearizable-keys)',
  meanings: ELLE_MEANINGS,
  explanationKinds: ['cycle'],
  check: (history, options) =>
    checkTransactions(history, options, {
      checker: 'rw-register',
      fs: ['w', 'r'],
      readValueOk: () => true,
      readValueExpected: 'any value',
      analyze: (txns, anomalies, opts) => analyzeRwRegister(txns, anomalies, opts),
    }),
};
