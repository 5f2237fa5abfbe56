/**
 * Structured explanations shared by the checkers (which produce them) and the HTML report (which
 * draws them). Text renderings live beside the checker that produced the data.
 */

/** Why one transaction must precede another in a dependency cycle. */
export type EdgeKind = 'ww' | 'wr' | 'rw' | 'process' | 'realtime';

export interface CycleStep {
  /** Positions in `CycleExplanation.txns`. */
  from: number;
  to: number;
  kind: EdgeKind;
  key?: string | number;
  /** The value the edge is about (the append / write / read that links the two). */
  value?: unknown;
  /** For ww/rw: the value the successor installed. */
  nextValue?: unknown;
  /** For rw: the predecessor read the key's initial state (then `value` is absent). */
  initial?: boolean;
  /** One clause, e.g. "T2 observed T1's append of 3 to key x". */
  text: string;
}

export interface CycleTxn {
  /** Short name in the explanation: T1, T2… */
  name: string;
  /** Index of the completion op in the history (the invocation's when it never completed). */
  op: number;
  /** Index of the invocation op in the history. */
  invoke?: number;
  process: number | 'nemesis';
  value: unknown;
}

/** A dependency cycle (G0, G1c, G-single, G-nonadjacent, G2-item, and -process/-realtime). */
export interface CycleExplanation {
  kind: 'cycle';
  txns: CycleTxn[];
  steps: CycleStep[];
}

/** A linearizability failure on one key, as Porcupine draws it. */
export interface LinearizabilityExplanation {
  kind: 'linearizability';
  key?: string | number;
  model: string;
  /** History op indices of every op on this key (invocations), for the lanes. */
  ops: number[];
  /** Op indices (invocations) of the longest linearizable prefix found, in linearization order. */
  longestPrefix: number[];
  /** The prefix could not be reconstructed (then `longestPrefix` is empty). */
  prefixUnknown?: boolean;
  /** Invocation index of the op that cannot be linearized after that prefix. */
  failedOp: number;
  /** Model states reachable just before the failing op, described. */
  states: string[];
  /** The failing op as the model reads it, e.g. `read → 3`. */
  failedOpText?: string;
  /** History index of the failing op's completion. */
  failedCompletion?: number;
  /**
   * The model state after each op of `longestPrefix` (same length), described; the report shows
   * them on hover. Optional: without it only the states before the failing op are shown.
   */
  prefixStates?: string[];
}

/** One in-doubt transaction a 2PC recovery resolved (the 2pc checker's details). */
export type Resolution = {
  gid: string;
  shard: string;
  decision: string;
  heldMs: number;
};

/** Hold times (ms) of prepared transactions: how many, and their quantiles when any. */
export type HeldSummary = {
  count: number;
  p50?: number;
  p99?: number;
  max?: number;
};

/** What the 2pc checker puts in `details`, drawn by the report: the blocking cost of 2PC. */
export type TwoPhaseCommitDetails = {
  transfers: number;
  pendingCommits: number;
  preparedHeldMs: { normal: HeldSummary; inDoubt: HeldSummary };
  recovered: { commit: number; abort: number };
  longestInDoubt: Resolution[];
};
