import type { MicroOp } from '../../harness/history/op.ts';
import type { SqlProgram } from '../sql/sql-client.ts';
import { microOps } from '../sql/micro-ops.ts';
import { doctorKey, parseDoctorKey } from '../../checkers/conventions.ts';
import { writeSkewOptions } from './doctors.ts';

/**
 * The on-call doctors on SQL: table `doctors (shift, doctor, off_by)`, `off_by` null while on
 * call, else the unique id of the transaction that took the doctor off. An op's micro-ops are
 * the reads of a shift's doctors and the write that takes one off call; the write happens only
 * if the reads found at least two on call, and the ok value lists only what was done. Recorded
 * as Elle rw-register micro-ops (a read returns `off_by`: null = on call).
 */
export const writeSkewSql: SqlProgram = {
  name: 'write-skew',
  async setup(session, dialect, test) {
    const o = writeSkewOptions(test);
    await session.query('CREATE TABLE IF NOT EXISTS doctors (shift INT NOT NULL, doctor INT NOT NULL, off_by INT NULL, PRIMARY KEY (shift, doctor))');
    const perBatch = 500;
    for (let first = 0; first < o.shifts; first += perBatch) {
      const rows: string[] = [];
      for (let s = first; s < Math.min(o.shifts, first + perBatch); s++) for (let d = 0; d < o.doctorsPerShift; d++) rows.push(`(${s}, ${d})`);
      await session.query(`INSERT INTO doctors (shift, doctor) VALUES ${rows.join(', ')}`);
    }
  },
  transaction(op, dialect) {
    const mops = microOps(op.value, ['r', 'w']);
    const place = (k: unknown) => {
      const at = parseDoctorKey(k);
      if (!at) throw new Error(`write-skew key ${JSON.stringify(k)} is not like "s12-d0"`);
      return at;
    };
    const p = dialect.param;
    return async (s) => {
      const done: MicroOp[] = [];
      const read = new Map<string, number | null>();
      for (const shift of new Set(mops.filter((m) => m[0] === 'r').map((m) => place(m[1]).shift))) {
        const rows = await s.query(`SELECT doctor, off_by FROM doctors WHERE shift = ${p(1)} ORDER BY doctor`, [shift]);
        for (const r of rows) read.set(doctorKey(shift, Number(r.doctor)), r.off_by === null ? null : Number(r.off_by));
      }
      let onCall = 0;
      for (const [f, k] of mops) {
        if (f !== 'r') continue;
        const v = read.get(k as string) ?? null;
        if (v === null) onCall++;
        done.push(['r', k, v]);
      }
      if (onCall < 2) return done;
      for (const [f, k, v] of mops) {
        if (f !== 'w') continue;
        const { shift, doctor } = place(k);
        await s.query(`UPDATE doctors SET off_by = ${p(1)} WHERE shift = ${p(2)} AND doctor = ${p(3)}`, [v, shift, doctor]);
        done.push(['w', k, v]);
      }
      return done;
    };
  },
};
