import { unfold } from '../../harness/generator/unfold.ts';
import { ELLE_TXN_DEFAULTS, elleTxn, initialElleState } from '../elle/elle-txns.ts';
import { sqlOptionProblems, workloadOptions } from '../sql/sql-options.ts';
import { baseCheckers, modelOptions, ONE_SERVER, sqlClients } from '../sql/sql-workload.ts';
import { defineWorkload } from '../workload.ts';
import { listAppendSql } from './list-append-sql.ts';

/** Elle's list-append: transactions of appends and whole-list reads on rotating keys. */
export const listAppend = defineWorkload({
  name: 'list-append',
  description: 'Elle list-append transactions, checked for G0…G2, lost update and write skew (--isolation, --consistency-model)',
  ...sqlClients(listAppendSql),
  nodes: ONE_SERVER,
  checkOptions: (options) => sqlOptionProblems('list-append', options, { ...ELLE_TXN_DEFAULTS }, ['readFraction']),
  generator(test, random) {
    const o = workloadOptions(test, ELLE_TXN_DEFAULTS);
    return unfold(initialElleState(o), (d, s) => elleTxn(d, s, o, 'append'), random);
  },
  checkers: (test) => [...baseCheckers(), { name: 'list-append', options: modelOptions(test) }],
});
