import { fromFn, once } from '../../harness/generator/basic.ts';
import type { Invocation } from '../../harness/client.ts';
import type { Draw } from '../../harness/random.ts';
import { baseCheckers, ONE_SERVER, sqlClients } from '../sql/sql-workload.ts';
import { defineWorkload } from '../workload.ts';
import { bankOptionProblems, bankOptions, type BankOptions } from './bank-options.ts';
import { bankSql } from './bank-sql.ts';

/** Half reads of every balance, half transfers between two distinct accounts. */
export function bankOp(d: Draw, o: Pick<BankOptions, 'accounts' | 'maxTransfer'>): Invocation {
  if (d.bool()) return { f: 'read', value: null };
  const from = d.int(0, o.accounts - 1);
  const to = (from + d.int(1, o.accounts - 1)) % o.accounts;
  return { f: 'transfer', value: { from, to, amount: d.int(1, o.maxTransfer) } };
}

/** Jepsen's bank: transfers must conserve the total; reads see every balance. */
export const bank = defineWorkload({
  name: 'bank',
  description: 'transfers between accounts (read-modify-write) and reads of all balances; the total must never change',
  ...sqlClients(bankSql),
  nodes: ONE_SERVER,
  checkOptions: bankOptionProblems,
  generator: (test, random) => {
    const o = bankOptions(test);
    return fromFn((d) => bankOp(d, o), random);
  },
  finalGenerator: () => once({ f: 'read', value: null }),
  checkers: (test) => {
    const o = bankOptions(test);
    return [...baseCheckers(), { name: 'bank', options: { totalAmount: o.totalAmount, accounts: Array.from({ length: o.accounts }, (_, i) => String(i)) } }];
  },
});
