import type { MicroOp } from '../../harness/history/op.ts';
import type { SqlProgram } from '../sql/sql-client.ts';
import { microOps } from '../sql/micro-ops.ts';
import { lostUpdateOptions } from './lost-update-options.ts';

/**
 * Read-modify-write counters on SQL: table `counters`. An increment reads `x` from the
 * transaction's snapshot and writes `x + 1` as a literal (not `SET v = v + 1`, which re-reads the
 * latest row and would hide the anomaly). Recorded as `[["r", k, x], ["w", k, x + 1]]`.
 */
export const lostUpdateSql: SqlProgram = {
  name: 'lost-update',
  async setup(session, dialect, test) {
    const { keys } = lostUpdateOptions(test);
    await session.query('CREATE TABLE IF NOT EXISTS counters (k INT PRIMARY KEY, v INT NOT NULL)');
    await session.query(`INSERT INTO counters (k, v) VALUES ${Array.from({ length: keys }, (_, k) => `(${k}, 0)`).join(', ')}`);
  },
  transaction(op, dialect) {
    const mops = microOps(op.value, ['r', 'w']);
    const p = dialect.param;
    return async (s) => {
      const done: MicroOp[] = [];
      const seen = new Map<string | number, number>();
      for (const [f, k] of mops) {
        if (f === 'r') {
          const rows = await s.query(`SELECT v FROM counters WHERE k = ${p(1)}`, [k]);
          const x = rows[0] === undefined ? null : Number(rows[0].v);
          if (x !== null) seen.set(k, x);
          done.push(['r', k, x]);
        } else {
          const x = seen.get(k);
          if (x === undefined) throw new Error(`increment of key ${k} without reading it first`);
          await s.query(`UPDATE counters SET v = ${p(1)} WHERE k = ${p(2)}`, [x + 1, k]);
          done.push(['w', k, x + 1]);
        }
      }
      return done;
    };
  },
};
