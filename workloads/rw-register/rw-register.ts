import { unfold } from '../../harness/generator/unfold.ts';
import { ELLE_TXN_DEFAULTS, elleTxn, initialElleState } from '../elle/elle-txns.ts';
import { sqlOptionProblems, workloadOptions } from '../sql/sql-options.ts';
import { baseCheckers, modelOptions, ONE_SERVER, sqlClients } from '../sql/sql-workload.ts';
import { defineWorkload } from '../workload.ts';
import { rwRegisterSql } from './rw-register-sql.ts';

/** Elle's rw-register: transactions of unique writes and reads on rotating keys. */
export const rwRegister = defineWorkload({
  name: 'rw-register',
  description: 'Elle rw-register transactions with unique writes, checked for G0…G2 (--isolation, --consistency-model)',
  ...sqlClients(rwRegisterSql),
  nodes: ONE_SERVER,
  checkOptions: (options) => sqlOptionProblems('rw-register', options, { ...ELLE_TXN_DEFAULTS }, ['readFraction']),
  generator(test, random) {
    const o = workloadOptions(test, ELLE_TXN_DEFAULTS);
    return unfold(initialElleState(o), (d, s) => elleTxn(d, s, o, 'w'), random);
  },
  checkers: (test) => [...baseCheckers(), { name: 'rw-register', options: modelOptions(test) }],
});
