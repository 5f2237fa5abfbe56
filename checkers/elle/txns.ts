import { InputError } from '../../harness/errors.ts';
import type { History, MicroOp, Op } from '../../harness/history/op.ts';
import { float64s, int32s, uint8s } from './typed-arrays.ts';
import { preview } from '../../harness/abbreviate.ts';

export const OK = 0;
export const INFO = 1;
export const FAIL = 2;

export type Key = string | number;

/**
 * The transactions of a history, as parallel arrays indexed by transaction id (invocation
 * order). An invocation with no completion counts as `info`.
 */
export interface Txns {
  readonly count: number;
  readonly history: History;
  readonly type: Uint8Array;
  /** History index of the invocation. */
  readonly invoke: Int32Array;
  /** History index of the completion, or -1 when the history ends first. */
  readonly complete: Int32Array;
  readonly process: Float64Array;
  /** Micro-ops: the completion's for ok; the completion's (else the invocation's) otherwise. */
  readonly mops: (readonly MicroOp[])[];
  /** Transaction id of each history op, or -1 for nemesis ops. */
  readonly txnOfOp: Int32Array;
}

/**
 * Collects the client transactions of a history and checks their shape: every value a list of
 * `[f, key, value]` micro-ops with `f` one of the two in `fs`, and every ok read's value acceptable to
 * `readValueOk`. A history of the wrong shape is bad input for this checker: InputError.
 */
export function collectTxns(
  history: History,
  checker: string,
  fs: readonly string[],
  readValueOk: (v: unknown) => boolean,
  readValueExpected: string,
): Txns {
  const n = history.length;
  const txnOfOp = int32s(n, -1);
  const open = new Map<number, number>();
  let count = 0;
  for (const op of history) if (op.type === 'invoke' && typeof op.process === 'number') count++;
  const type = uint8s(count).fill(INFO);
  const invoke = int32s(count);
  const complete = int32s(count, -1);
  const process = float64s(count);
  const mops = new Array<readonly MicroOp[]>(count);
  // Each transaction's micro-ops are checked once, from the op whose value is used.
  let t = 0;
  for (let i = 0; i < n; i++) {
    const op = history[i]!;
    if (typeof op.process !== 'number') continue;
    if (op.type === 'invoke') {
      invoke[t] = i;
      process[t] = op.process;
      open.set(op.process, t);
      txnOfOp[i] = t++;
      continue;
    }
    const id = open.get(op.process);
    if (id === undefined) continue;
    open.delete(op.process);
    txnOfOp[i] = id;
    complete[id] = i;
    const ok = op.type === 'ok';
    type[id] = ok ? OK : op.type === 'fail' ? FAIL : INFO;
    const source = ok || Array.isArray(op.value) ? op : history[invoke[id]!]!;
    mops[id] = checkMops(source, checker, fs, ok, readValueOk, readValueExpected);
  }
  // Still in flight when the history ended.
  for (const id of open.values()) mops[id] = checkMops(history[invoke[id]!]!, checker, fs, false, readValueOk, readValueExpected);
  return { count, history, type, invoke, complete, process, mops, txnOfOp };
}

function checkMops(
  op: Op,
  checker: string,
  fs: readonly string[],
  ok: boolean,
  readValueOk: (v: unknown) => boolean,
  readValueExpected: string,
): readonly MicroOp[] {
  const value = op.value;
  if (!Array.isArray(value)) return badTxn(op, checker, fs, `its value is ${preview(value)}, not a list of micro-ops`);
  for (let j = 0; j < value.length; j++) {
    const mop: unknown = value[j];
    if (!Array.isArray(mop) || mop.length !== 3) return badTxn(op, checker, fs, `micro-op ${j} is ${preview(mop)}, not [f, key, value]`);
    const f: unknown = mop[0];
    const k: unknown = mop[1];
    if (f !== fs[0] && f !== fs[1]) return badTxn(op, checker, fs, `micro-op ${j} has f ${preview(f)}; expected one of ${fs.join(', ')}`);
    if (typeof k !== 'string' && typeof k !== 'number') return badTxn(op, checker, fs, `micro-op ${j} has key ${preview(k)}; expected a string or number`);
    if (ok && f === 'r' && !readValueOk(mop[2])) return badTxn(op, checker, fs, `micro-op ${j} read ${preview(mop[2])}; expected ${readValueExpected}`);
  }
  return value as readonly MicroOp[];
}

function badTxn(op: Op, checker: string, fs: readonly string[], what: string): never {
  throw new InputError(
    `op ${op.index} (${op.type} ${op.f}) does not fit the ${checker} checker: ${what}; ` +
      `expected a transaction value like [["${fs[0]}", "x", 1], ["r", "y", …]]`,
  );
}
