/**
 * One line of `history.jsonl` (DESIGN.md §2). Semantics are Jepsen's: `ok` took effect, `fail`
 * certainly did not, `info` may or may not have (and may take effect at any later time).
 */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

export type Process = number | 'nemesis';

export interface Op {
  /** Position in the history, dense from 0. */
  index: number;
  /** Nanoseconds since the test started (monotonic clock). */
  time: number;
  type: OpType;
  process: Process;
  /** 'read' | 'write' | 'cas' | 'txn' | 'transfer' | 'start-partition' … */
  f: string;
  /** Workload-specific JSON. */
  value: unknown;
  /** Independent key, for per-key checking. */
  key?: string | number;
  /** Which node served it. */
  node?: string;
  /** Why it failed, or why its outcome is unknown. */
  error?: string;
}

export type History = readonly Op[];

export const OP_TYPES: readonly OpType[] = ['invoke', 'ok', 'fail', 'info'];

/** An elle-style micro-op inside a transaction's value. */
export type MicroOp =
  | readonly ['append', string | number, unknown]
  | readonly ['r', string | number, unknown]
  | readonly ['w', string | number, unknown];

const MICRO_OP_FS: ReadonlySet<unknown> = new Set(['append', 'r', 'w']);

/** Is `value` a transaction in Elle's shape: a non-empty list of `[f, key, value]` micro-ops? */
export function isMicroOpList(value: unknown): value is MicroOp[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const mop of value) {
    if (!Array.isArray(mop) || mop.length !== 3 || !MICRO_OP_FS.has(mop[0])) return false;
    if (typeof mop[1] !== 'string' && typeof mop[1] !== 'number') return false;
  }
  return true;
}

/**
 * Invocation/completion pairs. `completion` is undefined when the history ends while the op is
 * still in flight (treated like `info`).
 */
export interface OpPair {
  invoke: Op;
  completion: Op | undefined;
}

/**
 * Pairs each client invocation with its completion, in invocation order. Assumes a history that
 * passed {@link validateHistory}: a process has at most one op in flight.
 */
export function pairOps(history: History): OpPair[] {
  const pairs: OpPair[] = [];
  const open = new Map<Process, OpPair>();
  for (const op of history) {
    const opens = op.type === 'invoke' || (op.process === 'nemesis' && !open.has(op.process));
    if (opens) {
      const pair: OpPair = { invoke: op, completion: undefined };
      open.set(op.process, pair);
      pairs.push(pair);
    } else {
      const pair = open.get(op.process);
      if (pair) {
        pair.completion = op;
        open.delete(op.process);
      }
    }
  }
  return pairs;
}
