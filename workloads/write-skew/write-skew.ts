import { items } from '../../harness/generator/basic.ts';
import { unfold } from '../../harness/generator/unfold.ts';
import type { Invocation } from '../../harness/client.ts';
import type { MicroOp } from '../../harness/history/op.ts';
import type { Draw } from '../../harness/random.ts';
import { doctorKey } from '../../checkers/conventions.ts';
import { baseCheckers, modelOptions, ONE_SERVER, sqlClients } from '../sql/sql-workload.ts';
import { defineWorkload } from '../workload.ts';
import { writeSkewOptionProblems, writeSkewOptions, type WriteSkewOptions } from './doctors.ts';
import { writeSkewSql } from './write-skew-sql.ts';

/** Which shift is open, how many attempts it has had, the last transaction id used. */
export interface WriteSkewState {
  readonly shift: number;
  readonly attempts: number;
  readonly id: number;
}

/**
 * One attempt: read every doctor of the open shift, then take a random one off call (written as
 * the attempt's unique id). After `attemptsPerShift` attempts the next shift opens; the
 * generator ends when the shifts run out.
 */
export function writeSkewTxn(d: Draw, s: WriteSkewState, o: WriteSkewOptions): [Invocation, WriteSkewState] | undefined {
  if (s.shift >= o.shifts) return undefined;
  const reads: MicroOp[] = Array.from({ length: o.doctorsPerShift }, (_, doc) => ['r', doctorKey(s.shift, doc), null]);
  const id = s.id + 1;
  const value: MicroOp[] = [...reads, ['w', doctorKey(s.shift, d.int(0, o.doctorsPerShift - 1)), id]];
  const next = s.attempts + 1 >= o.attemptsPerShift ? { shift: s.shift + 1, attempts: 0, id } : { shift: s.shift, attempts: s.attempts + 1, id };
  return [{ f: 'txn', value }, next];
}

/** Final reads of every shift's doctors, `perOp` shifts at a time. */
export function finalReads(o: WriteSkewOptions, perOp = 200): Invocation[] {
  const ops: Invocation[] = [];
  for (let first = 0; first < o.shifts; first += perOp) {
    const value: MicroOp[] = [];
    for (let s = first; s < Math.min(o.shifts, first + perOp); s++) for (let doc = 0; doc < o.doctorsPerShift; doc++) value.push(['r', doctorKey(s, doc), null]);
    ops.push({ f: 'txn', value });
  }
  return ops;
}

/**
 * Write skew, the on-call doctors: serializable keeps a doctor on call in every shift, snapshot
 * isolation does not. Checked twice: the invariant itself (on-call) and Elle's rw-register graph,
 * which names the G2-item (write-skew) cycle.
 */
export const writeSkew = defineWorkload({
  name: 'write-skew',
  description: 'on-call doctors: read that two are on call, take one off; checked as an invariant and as Elle G2-item',
  ...sqlClients(writeSkewSql),
  nodes: ONE_SERVER,
  checkOptions: writeSkewOptionProblems,
  generator: (test, random) => {
    const o = writeSkewOptions(test);
    return unfold<WriteSkewState>({ shift: 0, attempts: 0, id: 0 }, (d, s) => writeSkewTxn(d, s, o), random);
  },
  finalGenerator: (test) => items(finalReads(writeSkewOptions(test))),
  checkers: (test) => [
    ...baseCheckers(),
    { name: 'rw-register', options: modelOptions(test) },
    { name: 'on-call', options: { ...modelOptions(test), doctorsPerShift: writeSkewOptions(test).doctorsPerShift } },
  ],
});
