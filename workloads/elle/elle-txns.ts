import type { Invocation } from '../../harness/client.ts';
import type { MicroOp } from '../../harness/history/op.ts';
import type { Draw } from '../../harness/random.ts';

/** How Elle-style transactions are drawn (Jepsen's elle.list-append/gen and rw-register/gen). */
export interface ElleTxnOptions {
  /** Keys open for ops at any time; fewer keys, more contention. */
  keyCount: number;
  /** Writes to a key before it retires and a fresh key takes its place (keeps reads short). */
  maxWritesPerKey: number;
  minTxnLength: number;
  maxTxnLength: number;
  /** Probability that a micro-op is a read. */
  readFraction: number;
}

export const ELLE_TXN_DEFAULTS: ElleTxnOptions = { keyCount: 8, maxWritesPerKey: 32, minTxnLength: 1, maxTxnLength: 4, readFraction: 0.5 };

/** The generator's state: the open keys and how often each was written. Immutable. */
export interface ElleTxnState {
  readonly active: readonly number[];
  readonly writes: readonly number[];
  readonly nextKey: number;
}

export function initialElleState(o: ElleTxnOptions): ElleTxnState {
  return { active: Array.from({ length: o.keyCount }, (_, i) => i), writes: Array.from({ length: o.keyCount }, () => 0), nextKey: o.keyCount };
}

/**
 * One transaction of `writeF` (`append` or `w`) and `r` micro-ops over the open keys. Written
 * values are 1, 2, 3… per key, so every write to a key is unique; a key that reaches
 * `maxWritesPerKey` retires within the transaction and a new key opens.
 */
export function elleTxn(d: Draw, state: ElleTxnState, o: ElleTxnOptions, writeF: 'append' | 'w'): [Invocation, ElleTxnState] {
  const active = [...state.active];
  const writes = [...state.writes];
  let nextKey = state.nextKey;
  const mops: MicroOp[] = [];
  const n = d.int(o.minTxnLength, o.maxTxnLength);
  for (let i = 0; i < n; i++) {
    const slot = d.int(0, active.length - 1);
    const k = active[slot]!;
    if (d.bool(o.readFraction)) {
      mops.push(['r', k, null]);
      continue;
    }
    writes[slot]! += 1;
    mops.push([writeF, k, writes[slot]!]);
    if (writes[slot]! >= o.maxWritesPerKey) {
      active[slot] = nextKey++;
      writes[slot] = 0;
    }
  }
  return [{ f: 'txn', value: mops }, { active, writes, nextKey }];
}
