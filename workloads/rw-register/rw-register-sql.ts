import type { MicroOp } from '../../harness/history/op.ts';
import type { SqlProgram } from '../sql/sql-client.ts';
import { microOps } from '../sql/micro-ops.ts';

/** Elle's rw-register on SQL: each key is a row of table `registers`; writes are upserts of unique values. */
export const rwRegisterSql: SqlProgram = {
  name: 'rw-register',
  async setup(session) {
    await session.query('CREATE TABLE IF NOT EXISTS registers (k INT PRIMARY KEY, v INT NOT NULL)');
  },
  transaction(op, dialect) {
    const mops = microOps(op.value, ['w', 'r']);
    return async (s) => {
      const done: MicroOp[] = [];
      for (const [f, k, v] of mops) {
        if (f === 'w') {
          await s.query(dialect.upsert('registers', 'k', 'v'), [k, v]);
          done.push([f, k, v]);
        } else {
          const rows = await s.query(`SELECT v FROM registers WHERE k = ${dialect.param(1)}`, [k]);
          done.push(['r', k, rows[0] === undefined ? null : Number(rows[0].v)]);
        }
      }
      return done;
    };
  },
};
