import type { MicroOp } from '../../harness/history/op.ts';
import type { SqlProgram } from '../sql/sql-client.ts';
import { microOps } from '../sql/micro-ops.ts';

/**
 * Elle's list-append on SQL: each key is a row of table `lists` whose text column holds the
 * comma-separated list; an append concatenates inside the transaction (an upsert), a read returns
 * the whole list.
 */
export const listAppendSql: SqlProgram = {
  name: 'list-append',
  async setup(session) {
    await session.query('CREATE TABLE IF NOT EXISTS lists (k INT PRIMARY KEY, v TEXT NOT NULL)');
  },
  transaction(op, dialect) {
    const mops = microOps(op.value, ['append', 'r']);
    return async (s) => {
      const done: MicroOp[] = [];
      for (const [f, k, v] of mops) {
        if (f === 'append') {
          await s.query(dialect.appendUpsert('lists', 'k', 'v'), [k, String(v)]);
          done.push([f, k, v]);
        } else {
          const rows = await s.query(`SELECT v FROM lists WHERE k = ${dialect.param(1)}`, [k]);
          const text = rows[0]?.v;
          done.push(['r', k, typeof text === 'string' ? text.split(',').map(Number) : []]);
        }
      }
      return done;
    };
  },
};
