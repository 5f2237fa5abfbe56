import type { MicroOp } from '../../harness/history/op.ts';
import { firstDifference } from '../../harness/abbreviate.ts';
import type { AnomalyList } from '../anomaly-list.ts';
import { txnOp } from './txn-anomalies.ts';
import type { Key, Txns } from './txns.ts';
import { listEqual, occurrences, sameValue, show, showKey } from './values.ts';

const EMPTY: readonly unknown[] = [];

/**
 * The list-append anomalies one committed transaction shows on its own: Elle's internal
 * consistency (a read disagrees with the transaction's own earlier reads and appends to that
 * key — a read after its own append must end with that append) and future reads (a read
 * observes an append the transaction makes only later). At most one of each per transaction.
 */
export function internalAndFutureReads(txns: Txns, anomalies: AnomalyList, t: number, mops: readonly MicroOp[]): void {
  const op = txnOp(txns, t);
  let internalSeen = false;
  let futureSeen = false;
  for (let j = 0; j < mops.length; j++) {
    const [f, k, v] = mops[j]!;
    if (f === 'append') {
      if (futureSeen) continue;
      for (let i = 0; i < j; i++) {
        const [g, k2, read] = mops[i]!;
        if (g !== 'r' || k2 !== k || !contains((read as unknown[] | null) ?? EMPTY, v)) continue;
        futureSeen = true;
        anomalies.add({
          type: 'future-read',
          key: k,
          ops: [op],
          explanation: { op, key: k, read, element: v, mop: i },
          text: `op ${op} read key ${showKey(k)} = ${show(read, occurrences((read as unknown[] | null) ?? EMPTY, [{ element: v }]))}, which includes ${show(v)}, a value the same transaction appends only later`,
        });
        break;
      }
      continue;
    }
    if (internalSeen) continue;
    const list = (v as readonly unknown[] | null) ?? EMPTY;
    const expected = expectedState(mops, j, k);
    if (!expected) continue;
    const fits = expected.known
      ? listEqual(list, expected.tail)
      : list.length >= expected.tail.length && listEqual(list.slice(list.length - expected.tail.length), expected.tail);
    if (fits) continue;
    internalSeen = true;
    const differ = expected.known ? [firstDifference(list, expected.tail, sameValue)] : [];
    const shown = expected.known ? show(expected.tail, differ) : `[…${expected.tail.map((e) => `, ${show(e)}`).join('')}]`;
    anomalies.add({
      type: 'internal',
      key: k,
      ops: [op],
      explanation: { op, key: k, read: list, expected: expected.tail, expectedPrefixKnown: expected.known, mop: j },
      text: `op ${op} read key ${showKey(k)} = ${show(list, differ)}, but its own earlier micro-ops on ${showKey(k)} imply ${shown}`,
    });
  }
}

function contains(list: readonly unknown[], v: unknown): boolean {
  for (const e of list) if (sameValue(e, v)) return true;
  return false;
}

/** What a transaction's earlier micro-ops say key `k` holds at micro-op `j`: a known list, or a known tail. */
function expectedState(mops: readonly MicroOp[], j: number, k: Key): { known: boolean; tail: unknown[] } | undefined {
  let appended: unknown[] | undefined;
  for (let i = j - 1; i >= 0; i--) {
    const mop = mops[i]!;
    if (mop[1] !== k) continue;
    const v = mop[2];
    if (mop[0] === 'append') {
      (appended ??= []).push(v);
      continue;
    }
    if (!appended) return { known: true, tail: (v as unknown[] | null) ?? [] };
    appended.reverse();
    return { known: true, tail: [...((v as unknown[] | null) ?? EMPTY), ...appended] };
  }
  return appended ? { known: false, tail: appended.reverse() } : undefined;
}
