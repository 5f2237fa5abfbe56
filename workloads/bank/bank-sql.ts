import type { TestSpec } from '../../harness/test-spec.ts';
import type { SqlProgram } from '../sql/sql-client.ts';
import type { SqlDialect, SqlSession } from '../sql/sql-dialect.ts';
import { TxnAbort } from '../sql/transaction.ts';
import { bankOptions } from './bank-options.ts';

export interface Transfer {
  from: number;
  to: number;
  amount: number;
}

/**
 * Jepsen's bank on SQL: table `accounts`. A transfer reads both balances and writes the new ones
 * as literals computed in the client (a read-modify-write from the transaction's snapshot, so an
 * isolation level that allows lost updates shows them as a changed total); it rolls back rather
 * than overdraw. A read returns every balance.
 */
export const bankSql: SqlProgram = {
  name: 'bank',
  async setup(session: SqlSession, dialect: SqlDialect, test: TestSpec) {
    const o = bankOptions(test);
    await session.query('CREATE TABLE IF NOT EXISTS accounts (id INT PRIMARY KEY, balance INT NOT NULL)');
    const rows = Array.from({ length: o.accounts }, (_, i) => `(${dialect.param(2 * i + 1)}, ${dialect.param(2 * i + 2)})`);
    await session.query(`INSERT INTO accounts (id, balance) VALUES ${rows.join(', ')}`, initialBalances(o.accounts, o.totalAmount).flatMap((b, i) => [i, b]));
  },
  transaction(op, dialect) {
    const p = dialect.param;
    if (op.f === 'read') {
      return async (s) => {
        const rows = await s.query('SELECT id, balance FROM accounts ORDER BY id');
        return Object.fromEntries(rows.map((r) => [String(r.id), Number(r.balance)]));
      };
    }
    if (op.f !== 'transfer') throw new Error(`the bank workload does read and transfer, not ${JSON.stringify(op.f)}`);
    const { from, to, amount } = op.value as Transfer;
    return async (s) => {
      const balance = async (id: number) => {
        const rows = await s.query(`SELECT balance FROM accounts WHERE id = ${p(1)}`, [id]);
        if (rows[0] === undefined) throw new TxnAbort(`no account ${id}`);
        return Number(rows[0].balance);
      };
      const a = await balance(from);
      const b = await balance(to);
      if (a - amount < 0) throw new TxnAbort(`insufficient funds: account ${from} has ${a}, cannot send ${amount}`);
      await s.query(`UPDATE accounts SET balance = ${p(1)} WHERE id = ${p(2)}`, [a - amount, from]);
      await s.query(`UPDATE accounts SET balance = ${p(1)} WHERE id = ${p(2)}`, [b + amount, to]);
      return op.value;
    };
  },
};

/** `total` split over `n` accounts as evenly as integers allow. */
export function initialBalances(n: number, total: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
}
