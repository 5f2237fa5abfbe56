import type { AnomalyList } from '../anomaly-list.ts';
import { txnOp } from './txn-anomalies.ts';
import { FAIL, INFO, type Key, type Txns } from './txns.ts';
import { occurrences, show, showKey } from './values.ts';

/** Per key: the version order recovered from the longest read, and its appended elements. */
export interface KeyState {
  key: Key;
  /** Element (by `vkey`) → slot id. */
  slots: Map<unknown, number>;
  longest: readonly unknown[] | null;
  longestTxn: number;
  /** Slot ids in version order (distinct elements of the longest read). */
  order: number[];
  /** Slots appended by ok/info transactions that no read observed: after all of `order`. */
  unread: number[];
  /** Index in the longest read of the first element a failed transaction appended, or -1. */
  firstFailed: number;
  /** Index in the longest read where an element repeats for the first time, or -1. */
  firstDuplicate: number;
  /** Index in the longest read of the first element no transaction appended to this key, or -1. */
  firstGarbage: number;
  /** Some transaction appended to this key more than once. */
  ownAppends: boolean;
  incompatibleSeen: boolean;
  cyclicSeen: boolean;
}

export function newKeyState(key: Key): KeyState {
  return {
    key,
    slots: new Map(),
    longest: null,
    longestTxn: -1,
    order: [],
    unread: [],
    firstFailed: -1,
    firstDuplicate: -1,
    firstGarbage: -1,
    ownAppends: false,
    incompatibleSeen: false,
    cyclicSeen: false,
  };
}

/** What the version-order anomalies read, per slot: its writer (-1: nobody), the writer's next append to the key (-1: none), its element. */
export interface Appends {
  txns: Txns;
  anomalies: AnomalyList;
  writer: Int32Array;
  ownNext: Int32Array;
  values: readonly unknown[];
}

/**
 * Elle's dirty update: in a key's version order, appends by failed transactions are followed by
 * one that committed. Appends of crashed (info) transactions, and elements nobody appended,
 * neither start nor end such a run.
 */
export function dirtyUpdates({ txns, anomalies, writer, values }: Appends, ks: KeyState): void {
  let failedFirst = -1;
  let run: number[] = [];
  for (const slot of ks.order) {
    const w = writer[slot]!;
    const type = w < 0 ? INFO : txns.type[w];
    if (type === INFO) {
      run.push(slot);
    } else if (type === FAIL) {
      if (failedFirst < 0) {
        failedFirst = w;
        run = [];
      }
      run.push(slot);
    } else {
      if (failedFirst >= 0) {
        const shown = [...run, slot].map((s) => values[s]);
        anomalies.add({
          type: 'dirty-update',
          key: ks.key,
          ops: [txnOp(txns, failedFirst), txnOp(txns, w)],
          explanation: { key: ks.key, values: shown, failed: txnOp(txns, failedFirst), committed: txnOp(txns, w) },
          text:
            `key ${showKey(ks.key)}'s version order has ${show(shown.slice(0, -1))} from op ${txnOp(txns, failedFirst)}, a transaction that failed, ` +
            `then ${show(shown[shown.length - 1])} appended on top by op ${txnOp(txns, w)}, which committed (dirty update)`,
        });
      }
      failedFirst = -1;
      run = [];
    }
  }
}

/**
 * Elle's cyclic versions, seen in one list: transaction `t` read `list`, which shows appends one
 * transaction made to this key in another order than it made them, so the key's version order
 * would need each before the other. `slots` are the list's distinct elements and `at` gives a
 * slot's position in `list` (-1: absent); each is compared with the next of its transaction's
 * appends the list shows. At most once per key.
 */
export function appendsOutOfOrder(
  { txns, anomalies, writer, ownNext, values }: Appends,
  ks: KeyState,
  t: number,
  list: readonly unknown[],
  slots: readonly number[],
  at: (slot: number) => number,
): void {
  for (const first of slots) {
    let then = ownNext[first]!;
    while (then >= 0 && at(then) < 0) then = ownNext[then]!;
    if (then < 0 || at(then) > at(first)) continue;
    ks.cyclicSeen = true;
    const [a, b] = [values[first], values[then]];
    const [op, wop] = [txnOp(txns, t), txnOp(txns, writer[then]!)];
    anomalies.add({
      type: 'cyclic-versions',
      key: ks.key,
      ops: [op, wop],
      explanation: { reader: op, writer: wop, key: ks.key, read: list, appended: [a, b] },
      text:
        `op ${op} read key ${showKey(ks.key)} = ${show(list, occurrences(list, [{ element: a }, { element: b }]))}, in which ${show(b)} comes before ${show(a)}, ` +
        `but op ${wop} appended ${show(a)} and then ${show(b)} in one transaction: ${showKey(ks.key)}'s version order would need ${show(a)} before ${show(b)} and ${show(b)} before ${show(a)} (cyclic versions)`,
    });
    return;
  }
}
