import type { CompleteModel, ModelOp } from './model.ts';
import type { LinOp } from './partition.ts';
import { previousTwins } from './twins.ts';

/** `entryRet` of a return entry. */
export const RETURN = -2;

/**
 * One key's ops as both searches (depth-first with a memo, and level by level) see them. Ops get
 * internal ids: completed ops first, in call order, then crashed ones (no return: they may take
 * effect any time after their call, or never). Calls and returns become entries in real-time
 * order, which is history order: an op that completed before another was invoked comes first.
 */
export interface PreparedOps {
  /** Position in the input ops of each internal id. */
  readonly order: readonly number[];
  /** Completed ops (ids below `m`); `n` ops in all. */
  readonly m: number;
  readonly n: number;
  readonly modelOps: readonly ModelOp[];
  /** Per entry: its op's id; for a call, its return entry (-1 when crashed), else RETURN. */
  readonly entryOp: Int32Array;
  readonly entryRet: Int32Array;
  /** Per op: its call entry; per completed op: its return entry. */
  readonly callEntryOf: Int32Array;
  readonly retEntryOf: Int32Array;
  /** 1 for completed ops that never change the state (reads). */
  readonly readOnly: Uint8Array;
  /**
   * Per op: the twin tried before it (see twins.ts), or -1. All -1 until {@link findTwins} fills
   * it in place: most keys are decided before twins would pay for finding them.
   */
  readonly twinBefore: Int32Array;
  twinsFound: boolean;
  /** `readOnly` as a bitset over completed ops (one spare word), for the memo's read dominance. */
  readonly readMask: Uint32Array;
  /**
   * Per completed op, a random word; 0 for reads. A configuration's hash is the XOR over the
   * completed ops it linearized: reads stay out, so configurations that differ only in reads
   * meet in the memo, where the one with more reads dominates (config-cache.ts).
   */
  readonly zobrist: Int32Array;
}

export function prepareOps<S>(ops: readonly LinOp[], model: CompleteModel<S>): PreparedOps {
  const order: number[] = [];
  for (let i = 0; i < ops.length; i++) if (ops[i]!.complete >= 0) order.push(i);
  const m = order.length;
  for (let i = 0; i < ops.length; i++) if (ops[i]!.complete < 0) order.push(i);
  const n = order.length;
  const events: number[] = [];
  for (let id = 0; id < n; id++) {
    const op = ops[order[id]!]!;
    events.push(op.invoke * 2, id);
    if (op.complete >= 0) events.push(op.complete * 2 + 1, id);
  }
  const E = events.length / 2;
  const byTime = Array.from({ length: E }, (_, i) => i).sort((a, b) => events[a * 2]! - events[b * 2]!);
  const entryOp = new Int32Array(E);
  const entryRet = new Int32Array(E);
  const callEntryOf = new Int32Array(n);
  for (let e = 0; e < E; e++) {
    const ev = byTime[e]!;
    const id = events[ev * 2 + 1]!;
    entryOp[e] = id;
    if ((events[ev * 2]! & 1) === 1) {
      entryRet[e] = RETURN;
      entryRet[callEntryOf[id]!] = e;
    } else {
      entryRet[e] = -1;
      callEntryOf[id] = e;
    }
  }
  const retEntryOf = new Int32Array(m);
  for (let id = 0; id < m; id++) retEntryOf[id] = entryRet[callEntryOf[id]!]!;
  const modelOps = order.map((i) => ops[i]!.op);
  const readOnly = new Uint8Array(n);
  for (let id = 0; id < m; id++) readOnly[id] = model.readOnly(modelOps[id]!) ? 1 : 0;
  const twinBefore = new Int32Array(n).fill(-1);
  const readMask = new Uint32Array(((m + 31) >>> 5) + 1);
  const zobrist = new Int32Array(m);
  let seed = 0x2545f491;
  for (let id = 0; id < m; id++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    if (readOnly[id] === 1) readMask[id >>> 5]! |= 1 << (id & 31);
    else zobrist[id] = seed;
  }
  return { order, m, n, modelOps, entryOp, entryRet, callEntryOf, retEntryOf, readOnly, twinBefore, twinsFound: false, readMask, zobrist };
}

/**
 * Fills in `twinBefore`. Safe at any point of a search: each candidate skipped has a twin that
 * is (or was) tried in the same configuration.
 */
export function findTwins(p: PreparedOps): void {
  if (p.twinsFound) return;
  p.twinsFound = true;
  p.twinBefore.set(previousTwins(p.modelOps, p.m, p.callEntryOf, p.retEntryOf));
}
