import type { MicroOp } from '../../harness/history/op.ts';
import type { AnomalyList } from '../anomaly-list.ts';
import type { Key, Txns } from './txns.ts';
import { listEqual, show, showKey, vkey } from './values.ts';

/** The history index that names a transaction: its completion, else its invocation. */
export function txnOp(txns: Txns, t: number): number {
  const c = txns.complete[t]!;
  return c >= 0 ? c : txns.invoke[t]!;
}

/**
 * A garbage read (Elle's "garbage reads": a read observes a state no write could have produced):
 * `read` holds values no transaction wrote to key `k` — not one that committed, crashed or
 * failed. `at` are their positions in a list read; for a register read, omit it.
 */
export function garbageRead(txns: Txns, anomalies: AnomalyList, t: number, k: Key, read: unknown, at?: readonly number[]): void {
  const op = txnOp(txns, t);
  const list = at ? (read as readonly unknown[]) : undefined;
  const elements = list ? [...new Map(at!.map((i) => [vkey(list[i]), list[i]])).values()] : [read];
  const what = elements.length === 1 ? show(elements[0]) : `any of ${show(elements)}`;
  anomalies.add({
    type: 'garbage-read',
    key: k,
    ops: [op],
    explanation: { reader: op, key: k, read, elements },
    text: list
      ? `op ${op} read key ${showKey(k)} = ${show(read, at)}, but no transaction appended ${what} to ${showKey(k)}, not even one that failed (garbage read)`
      : `op ${op} read key ${showKey(k)} = ${show(read)}, but no transaction wrote ${what} to ${showKey(k)}, not even one that failed (garbage read)`,
  });
}

/**
 * Elle's lost update: two or more committed transactions read the same version of a key and
 * then wrote that key. Whatever the version order, one of them overwrote (or appended after) a
 * state the other never saw. Found directly, without needing the version order. Feed it each
 * committed transaction with {@link LostUpdates.add}. With `lists` (list-append), read values
 * are bucketed by length and last element and then compared whole, so most transactions never
 * hash a whole list.
 */
export class LostUpdates {
  // key → bucket → groups of transactions that read equal values
  private readonly groups = new Map<Key, Map<unknown, ReadGroup[]>>();

  constructor(
    private readonly writeF: string,
    private readonly lists: boolean,
  ) {}

  add(t: number, mops: readonly MicroOp[]): void {
    const { writeF, lists } = this;
    for (let j = 1; j < mops.length; j++) {
      const mop = mops[j]!;
      if (mop[0] !== writeF) continue;
      const k = mop[1];
      // Only the first write of k matters, and only if k was read before it.
      let firstWrite = true;
      let read = -1;
      for (let i = 0; i < j; i++) {
        const m = mops[i]!;
        if (m[1] !== k) continue;
        if (m[0] === writeF) firstWrite = false;
        else if (read < 0) read = i;
      }
      if (!firstWrite || read < 0) continue;
      const raw = mops[read]![2];
      const value = lists ? ((raw as unknown[] | null) ?? EMPTY_LIST) : raw;
      const bucket = lists ? listBucket(value as unknown[]) : vkey(value);
      let byBucket = this.groups.get(k);
      if (!byBucket) this.groups.set(k, (byBucket = new Map()));
      let bucketGroups = byBucket.get(bucket);
      if (!bucketGroups) byBucket.set(bucket, (bucketGroups = []));
      let group: ReadGroup | undefined;
      for (const g of bucketGroups) {
        if (!lists || listEqual(g.value as unknown[], value as unknown[])) {
          group = g;
          break;
        }
      }
      if (group) group.txns.push(t);
      else bucketGroups.push({ value, txns: [t] });
    }
  }

  report(txns: Txns, anomalies: AnomalyList): void {
    for (const [k, byBucket] of this.groups) {
      for (const bucketGroups of byBucket.values()) {
        for (const { value, txns: ts } of bucketGroups) {
          if (ts.length < 2) continue;
          const ops = ts.map((t) => txnOp(txns, t));
          anomalies.add({
            type: 'lost-update',
            key: k,
            ops,
            explanation: { key: k, value, ops },
            text: `ops ${ops.join(', ')} all read key ${showKey(k)} = ${show(value)} and then wrote ${showKey(k)}: all but one of those updates were lost (lost update)`,
          });
        }
      }
    }
  }
}

interface ReadGroup {
  value: unknown;
  txns: number[];
}

const EMPTY_LIST: unknown[] = [];

function listBucket(list: readonly unknown[]): unknown {
  if (list.length === 0) return 0;
  const last = vkey(list[list.length - 1]);
  return typeof last === 'number' ? last * 4096 + (list.length % 4096) : `${list.length}:${String(last)}`;
}
