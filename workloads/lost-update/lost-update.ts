import { fromFn, once } from '../../harness/generator/basic.ts';
import type { MicroOp } from '../../harness/history/op.ts';
import { baseCheckers, modelOptions, ONE_SERVER, sqlClients } from '../sql/sql-workload.ts';
import { defineWorkload } from '../workload.ts';
import { lostUpdateOptionProblems, lostUpdateOptions } from './lost-update-options.ts';
import { lostUpdateSql } from './lost-update-sql.ts';

/**
 * Lost update: read-modify-write increments of a few counters, from each transaction's own
 * snapshot. Any level that prevents lost update (PostgreSQL repeatable read and up, MariaDB
 * serializable) must keep every committed increment.
 */
export const lostUpdate = defineWorkload({
  name: 'lost-update',
  description: 'read x, write x + 1 on a few counters; no committed increment may be lost (--isolation, --consistency-model)',
  ...sqlClients(lostUpdateSql),
  nodes: ONE_SERVER,
  checkOptions: lostUpdateOptionProblems,
  generator: (test, random) => {
    const { keys } = lostUpdateOptions(test);
    return fromFn((d) => {
      const k = d.int(0, keys - 1);
      return { f: 'txn', value: [['r', k, null], ['w', k, null]] satisfies MicroOp[] };
    }, random);
  },
  finalGenerator: (test) => once({ f: 'txn', value: Array.from({ length: lostUpdateOptions(test).keys }, (_, k): MicroOp => ['r', k, null]) }),
  checkers: (test) => [...baseCheckers(), { name: 'lost-update', options: modelOptions(test) }],
});
