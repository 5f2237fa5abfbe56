import { fromFn, once, repeat } from '../../harness/generator/basic.ts';
import { any, delay, phases } from '../../harness/generator/combinators.ts';
import type { Invocation } from '../../harness/client.ts';
import type { Draw } from '../../harness/random.ts';
import { sqlOf } from '../sql/sql-dialect.ts';
import { baseCheckers } from '../sql/sql-workload.ts';
import { defineWorkload } from '../workload.ts';
import type { ShardedTransfer } from './coordinator.ts';
import { shardIndex, TwoPcClient } from './two-pc-client.ts';
import { twoPcOptionProblems, twoPcOptions, type TwoPcOptions } from './two-pc-options.ts';

/** A read of every balance, or a transfer between accounts on two different shards (sometimes with a simulated coordinator crash). */
export function twoPcOp(d: Draw, o: TwoPcOptions, shards: number): Invocation {
  if (d.bool(o.readFraction)) return { f: 'read', value: null };
  const from = d.int(0, o.accounts - 1);
  const others = Array.from({ length: o.accounts }, (_, a) => a).filter((a) => shardIndex(a, shards, o.accounts) !== shardIndex(from, shards, o.accounts));
  const value: ShardedTransfer = { from, to: d.pick(others), amount: d.int(1, o.maxTransfer) };
  if (d.bool(o.coordinatorCrashes)) value.crash = d.bool() ? 'after-prepare' : 'after-decision';
  return { f: 'transfer', value };
}

/**
 * Two-phase commit across PostgreSQL shards (`--db postgres --nodes 2|3`), faultline the
 * coordinator. Recovery runs every `recoverEvery` seconds and once more at the end, before the
 * final read and the ledger that the 2pc checker judges.
 */
export const twoPcBank = defineWorkload({
  name: '2pc-bank',
  description: 'transfers across PostgreSQL shards with PREPARE TRANSACTION / COMMIT PREPARED; total conserved, nothing half-applied or left in doubt',
  clientFor(db) {
    const sql = sqlOf(db);
    return sql?.preparedTransactions && (() => new TwoPcClient(sql));
  },
  needs: 'the SQL capability with prepared transactions (`sql.preparedTransactions`, see workloads/sql/sql-dialect.ts)',
  nodes: { default: 3, min: 2, max: 3, why: 'each node is one PostgreSQL shard' },
  checkOptions: twoPcOptionProblems,
  generator: (test, random) => {
    const o = twoPcOptions(test);
    const recover = delay(o.recoverEvery * 1e9, repeat({ f: 'recover', value: null }));
    return any(recover, fromFn((d) => twoPcOp(d, o, test.nodes), random));
  },
  finalGenerator: () => phases(once({ f: 'recover', value: null }), once({ f: 'read', value: null }), once({ f: 'ledger', value: null })),
  checkers: (test) => {
    const o = twoPcOptions(test);
    return [...baseCheckers(), { name: 'bank', options: { totalAmount: o.totalAmount, accounts: Array.from({ length: o.accounts }, (_, i) => String(i)) } }, { name: '2pc' }];
  },
});
