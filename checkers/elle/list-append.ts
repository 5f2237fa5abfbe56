import type { MicroOp } from '../../harness/history/op.ts';
import { firstDifference, LIST_LIMIT } from '../../harness/abbreviate.ts';
import type { AnomalyList } from '../anomaly-list.ts';
import type { EdgeKind } from '../explanations.ts';
import type { TxnAnalysis } from './check-transactions.ts';
import type { StepWhy } from './explain.ts';
import { Rel, type DepGraphBuilder } from './graph.ts';
import { garbageRead, LostUpdates, txnOp } from './txn-anomalies.ts';
import { grownInt32, int32s } from './typed-arrays.ts';
import { internalAndFutureReads } from './list-append-internal.ts';
import { appendsOutOfOrder, dirtyUpdates, newKeyState, type Appends, type KeyState } from './list-append-versions.ts';
import { FAIL, OK, type Key, type Txns } from './txns.ts';
import { duplicates, isPrefix, occurrences, sameValue, show, showKey, vkey } from './values.ts';

const EMPTY: readonly unknown[] = [];

/**
 * Elle's list-append analysis. Appends are unique per key, so every read reveals a prefix of the
 * key's version order: the longest read is the order (every other read must be a prefix of it,
 * else `incompatible-order`), appends never read come after it. From that order: ww (an append
 * follows the one before it), wr (a read observed the last element's append) and rw (a read
 * missed the next element's append), plus the anomalies visible without a cycle.
 */
export function analyzeListAppend(txns: Txns, anomalies: AnomalyList): TxnAnalysis {
  const a = new ListAppend(txns, anomalies);
  a.indexAppendsAndReads();
  if (a.duplicateAppend) return { unknown: a.duplicateAppend, link: () => {}, why: () => undefined };
  a.buildOrders();
  return {
    link: (builder) => a.link(builder),
    why: (x, y, kind) => a.why(x, y, kind),
    details: { keys: a.keys.size },
  };
}

class ListAppend {
  readonly keys = new Map<Key, KeyState>();
  private writer: Int32Array;
  private pos: Int32Array;
  /** Per slot: the slot its transaction appends to the same key next (-1: none, so not an intermediate append). */
  private ownNext: Int32Array;
  private readonly values: unknown[] = [];
  /** Per micro-op (flattened; txn t's start at `mopStart[t]`): its key, and the slot it appends or its read ends on (-1: empty read). */
  private readonly mopStart: Int32Array;
  private readonly mopKey: KeyState[];
  private readonly mopSlot: Int32Array;
  duplicateAppend: string | undefined;

  constructor(
    private readonly txns: Txns,
    private readonly anomalies: AnomalyList,
  ) {
    this.mopStart = int32s(txns.count + 1);
    for (let t = 0; t < txns.count; t++) this.mopStart[t + 1] = this.mopStart[t]! + txns.mops[t]!.length;
    const total = this.mopStart[txns.count]!;
    this.mopKey = new Array<KeyState>(total);
    this.mopSlot = int32s(total, -1);
    const capacity = 1024 + total;
    this.writer = int32s(capacity, -1);
    this.pos = int32s(capacity, -1);
    this.ownNext = int32s(capacity, -1);
  }

  private keyState(k: Key): KeyState {
    let ks = this.keys.get(k);
    if (!ks) {
      ks = newKeyState(k);
      this.keys.set(k, ks);
    }
    return ks;
  }

  private slotFor(ks: KeyState, element: unknown): number {
    const vk = vkey(element);
    let slot = ks.slots.get(vk);
    if (slot === undefined) {
      slot = this.values.length;
      if (slot === this.writer.length) this.grow();
      this.values.push(element);
      ks.slots.set(vk, slot);
    }
    return slot;
  }

  private appends(): Appends {
    return { txns: this.txns, anomalies: this.anomalies, writer: this.writer, ownNext: this.ownNext, values: this.values };
  }

  private grow(): void {
    this.writer = grownInt32(this.writer, 0, -1);
    this.pos = grownInt32(this.pos, 0, -1);
    this.ownNext = grownInt32(this.ownNext, 0, -1);
  }

  /** Pass 1: who appended what, intermediate appends, each key's longest read, per-txn anomalies. */
  indexAppendsAndReads(): void {
    const { txns, mopKey, mopSlot } = this;
    const lost = new LostUpdates('append', true);
    for (let t = 0; t < txns.count; t++) {
      const mops = txns.mops[t]!;
      const ok = txns.type[t] === OK;
      const base = this.mopStart[t]!;
      for (let j = 0; j < mops.length; j++) {
        const mop = mops[j]!;
        const k = mop[1];
        const v = mop[2];
        const ks = this.keyState(k);
        mopKey[base + j] = ks;
        if (mop[0] === 'append') {
          const slot = this.slotFor(ks, v);
          mopSlot[base + j] = slot;
          const prior = this.writer[slot]!;
          if (prior >= 0) this.duplicateAppend ??= duplicateAppendMessage(txns, prior, t, k, v);
          this.writer[slot] = t;
          const before = lastMopOn(mops, j, k, 'append');
          if (before >= 0) {
            this.ownNext[mopSlot[base + before]!] = slot;
            ks.ownAppends = true;
          }
        } else if (ok) {
          const list = (v as readonly unknown[] | null) ?? EMPTY;
          if (list.length > 0) mopSlot[base + j] = this.slotFor(ks, list[list.length - 1]);
          if (ks.longest === null || list.length > ks.longest.length) {
            ks.longest = list;
            ks.longestTxn = t;
          }
        }
      }
      if (ok && mops.length > 1) {
        internalAndFutureReads(txns, this.anomalies, t, mops);
        lost.add(t, mops);
      }
    }
    if (!this.duplicateAppend) lost.report(txns, this.anomalies);
  }

  /** Pass 2: each key's version order, unread appends, aborted, unwritten and duplicate elements, dirty updates, appends out of their transaction's order. */
  buildOrders(): void {
    const { writer, pos, txns } = this;
    for (const ks of this.keys.values()) {
      const longest = ks.longest ?? EMPTY;
      for (let i = 0; i < longest.length; i++) {
        const slot = this.slotFor(ks, longest[i]);
        if (pos[slot] !== -1) {
          if (ks.firstDuplicate < 0) ks.firstDuplicate = i;
          continue;
        }
        pos[slot] = ks.order.length;
        ks.order.push(slot);
        const w = writer[slot]!;
        if (w >= 0 && txns.type[w] === FAIL && ks.firstFailed < 0) ks.firstFailed = i;
        if (w < 0 && ks.firstGarbage < 0) ks.firstGarbage = i;
      }
      for (const slot of ks.slots.values()) {
        const w = writer[slot]!;
        if (pos[slot] === -1 && w >= 0 && txns.type[w] !== FAIL) ks.unread.push(slot);
      }
      dirtyUpdates(this.appends(), ks);
      if (ks.ownAppends) appendsOutOfOrder(this.appends(), ks, ks.longestTxn, longest, ks.order, (s) => pos[s]!);
    }
  }

  /** Pass 3: ww, wr and rw edges, and the per-read anomalies. */
  link(builder: DepGraphBuilder): void {
    const { txns, writer, pos, mopKey, mopSlot } = this;
    const type = txns.type;
    for (let t = 0; t < txns.count; t++) {
      if (type[t] === FAIL) continue;
      const ok = type[t] === OK;
      const mops = txns.mops[t]!;
      const base = this.mopStart[t]!;
      for (let j = 0; j < mops.length; j++) {
        const ks = mopKey[base + j]!;
        const slot = mopSlot[base + j]!;
        const mop = mops[j]!;
        if (mop[0] === 'append') {
          const prev = this.previousSlot(ks, slot);
          const w = prev >= 0 ? writer[prev]! : -1;
          if (w >= 0 && w !== t && type[w] !== FAIL) builder.link(w, t, Rel.ww);
          continue;
        }
        if (!ok) continue;
        const list = (mop[2] as readonly unknown[] | null) ?? EMPTY;
        this.checkRead(t, ks, list);
        let lastPos = -1;
        if (slot >= 0) {
          lastPos = pos[slot]!;
          const w = writer[slot]!;
          if (w >= 0 && w !== t) {
            if (type[w] !== FAIL) builder.link(w, t, Rel.wr);
            if (this.ownNext[slot]! >= 0) this.intermediateRead(t, w, ks.key, list);
          }
          if (lastPos < 0) continue;
        }
        const next = lastPos + 1;
        if (next < ks.order.length) {
          const w = writer[ks.order[next]!]!;
          if (w >= 0 && w !== t && type[w] !== FAIL) builder.link(t, w, Rel.rw);
        } else {
          for (const s of ks.unread) if (writer[s] !== t) builder.link(t, writer[s]!, Rel.rw);
        }
      }
    }
  }

  /** The slot appended just before `slot` in version order (unread appends follow the whole order), or -1. */
  private previousSlot(ks: KeyState, slot: number): number {
    const p = this.pos[slot]!;
    if (p > 0) return ks.order[p - 1]!;
    if (p === 0) return -1;
    return ks.order.length > 0 ? ks.order[ks.order.length - 1]! : -1;
  }

  /** The slot appended just after what a read ending at `list` observed, or -1. */
  private nextSlots(ks: KeyState, list: readonly unknown[]): number[] {
    let lastPos = -1;
    if (list.length > 0) {
      const slot = ks.slots.get(vkey(list[list.length - 1]));
      if (slot === undefined || this.pos[slot] === -1) return [];
      lastPos = this.pos[slot]!;
    }
    return lastPos + 1 < ks.order.length ? [ks.order[lastPos + 1]!] : ks.unread;
  }

  why(a: number, b: number, kind: EdgeKind): StepWhy | undefined {
    const { txns, writer } = this;
    if (kind === 'wr' && txns.type[b] === OK) {
      for (const [f, k, v] of txns.mops[b]!) {
        const list = (v as readonly unknown[] | null) ?? EMPTY;
        if (f !== 'r' || list.length === 0) continue;
        const last = list[list.length - 1];
        const slot = this.keys.get(k)!.slots.get(vkey(last));
        if (slot !== undefined && writer[slot] === a) {
          return { key: k, value: last, render: (x, y) => `${y} observed ${x}'s append of ${show(last)} to key ${showKey(k)}` };
        }
      }
    }
    if (kind === 'ww') {
      for (const [f, k, v] of txns.mops[b]!) {
        if (f !== 'append') continue;
        const ks = this.keys.get(k)!;
        const prev = this.previousSlot(ks, ks.slots.get(vkey(v))!);
        if (prev >= 0 && writer[prev] === a) {
          const before = this.values[prev];
          return { key: k, value: before, nextValue: v, render: (x, y) => `${y} appended ${show(v)} after ${x} appended ${show(before)} to key ${showKey(k)}` };
        }
      }
    }
    if (kind === 'rw' && txns.type[a] === OK) {
      for (const [f, k, v] of txns.mops[a]!) {
        if (f !== 'r') continue;
        const ks = this.keys.get(k)!;
        const list = (v as readonly unknown[] | null) ?? EMPTY;
        const slot = this.nextSlots(ks, list).find((s) => writer[s] === b);
        if (slot === undefined) continue;
        const appended = this.values[slot];
        if (list.length === 0) {
          return {
            key: k,
            initial: true,
            nextValue: appended,
            render: (x, y) => `${x} observed the initial (empty) state of key ${showKey(k)}, which ${y} created by appending ${show(appended)}`,
          };
        }
        const last = list[list.length - 1];
        return { key: k, value: last, nextValue: appended, render: (x, y) => `${x} did not observe ${y}'s append of ${show(appended)} to key ${showKey(k)}` };
      }
    }
    return undefined;
  }

  // --- anomalies seen without a cycle ---------------------------------------------------------

  private checkRead(t: number, ks: KeyState, list: readonly unknown[]): void {
    const longest = ks.longest ?? EMPTY;
    const compatible = list === longest || isPrefix(list, longest);
    if (!compatible) {
      if (!ks.incompatibleSeen) {
        ks.incompatibleSeen = true;
        const { txns } = this;
        this.anomalies.add({
          type: 'incompatible-order',
          key: ks.key,
          ops: [txnOp(txns, t), txnOp(txns, ks.longestTxn)],
          explanation: { key: ks.key, values: [list, longest] },
          text: incompatibleText(ks.key, list, txnOp(txns, t), longest, txnOp(txns, ks.longestTxn)),
        });
      }
      this.uncommittedReads(t, ks, list, 0);
      this.duplicateElements(t, ks, list);
      if (ks.ownAppends && !ks.cyclicSeen) {
        const at = new Map<number, number>();
        for (let i = 0; i < list.length; i++) {
          const slot = ks.slots.get(vkey(list[i]));
          if (slot !== undefined && !at.has(slot)) at.set(slot, i);
        }
        appendsOutOfOrder(this.appends(), ks, t, list, [...at.keys()], (s) => at.get(s) ?? -1);
      }
      return;
    }
    // Compatible: every element is in the longest read, where the first aborted or unwritten one sits.
    const uncommitted = ks.firstFailed < 0 ? ks.firstGarbage : ks.firstGarbage < 0 ? ks.firstFailed : Math.min(ks.firstFailed, ks.firstGarbage);
    if (uncommitted >= 0 && list.length > uncommitted) this.uncommittedReads(t, ks, list, uncommitted);
    if (ks.firstDuplicate >= 0 && list.length > ks.firstDuplicate) this.duplicateElements(t, ks, list);
  }

  /**
   * Elements of a read no committed or crashed transaction appended: G1a for each a failed
   * transaction appended, one garbage read for those nobody appended.
   */
  private uncommittedReads(t: number, ks: KeyState, list: readonly unknown[], from: number): void {
    const { txns, writer } = this;
    let garbage: number[] | undefined;
    for (let i = from; i < list.length; i++) {
      const slot = ks.slots.get(vkey(list[i]));
      const w = slot === undefined ? -1 : writer[slot]!;
      if (w < 0) (garbage ??= []).push(i);
      if (w < 0 || txns.type[w] !== FAIL) continue;
      this.anomalies.add({
        type: 'G1a',
        key: ks.key,
        ops: [txnOp(txns, t), txnOp(txns, w)],
        explanation: { reader: txnOp(txns, t), writer: txnOp(txns, w), key: ks.key, element: list[i], read: list },
        text: `op ${txnOp(txns, t)} read key ${showKey(ks.key)} = ${show(list, [i])}, observing ${show(list[i])}, which op ${txnOp(txns, w)} appended in a transaction that failed (aborted read)`,
      });
    }
    if (garbage) garbageRead(txns, this.anomalies, t, ks.key, list, garbage);
  }

  private duplicateElements(t: number, ks: KeyState, list: readonly unknown[]): void {
    const dups = duplicates(list);
    if (dups.length === 0) return;
    const op = txnOp(this.txns, t);
    this.anomalies.add({
      type: 'duplicate-elements',
      key: ks.key,
      ops: [op],
      explanation: { op, key: ks.key, read: list, duplicates: dups },
      text: `op ${op} read key ${showKey(ks.key)} = ${show(list, occurrences(list, dups))}, in which ${dups.map((d) => `${show(d.element)} appears ${d.count} times`).join(', ')}`,
    });
  }

  private intermediateRead(t: number, w: number, k: Key, list: readonly unknown[]): void {
    const { txns } = this;
    const element = list[list.length - 1];
    this.anomalies.add({
      type: 'G1b',
      key: k,
      ops: [txnOp(txns, t), txnOp(txns, w)],
      explanation: { reader: txnOp(txns, t), writer: txnOp(txns, w), key: k, element, read: list },
      text: `op ${txnOp(txns, t)} read key ${showKey(k)} = ${show(list)}, ending in ${show(element)}, an intermediate append: op ${txnOp(txns, w)} appended to ${showKey(k)} again later in the same transaction (intermediate read)`,
    });
  }
}

/** Two reads of a key, neither a prefix of the other; when they are long, where they part ways. */
function incompatibleText(k: Key, list: readonly unknown[], listOp: number, longest: readonly unknown[], longestOp: number): string {
  const d = firstDifference(list, longest, sameValue);
  const where =
    list.length > LIST_LIMIT || longest.length > LIST_LIMIT ? ` (they first differ at element ${d + 1}: ${show(list[d])} vs ${show(longest[d])})` : '';
  return (
    `key ${showKey(k)} was read as ${show(list, [d])} (op ${listOp}) and as ${show(longest, [d])} (op ${longestOp}): ` +
    `the first is not a prefix of the second${where}, so no single order of appends explains both`
  );
}

function duplicateAppendMessage(txns: Txns, prior: number, t: number, k: Key, v: unknown): string {
  return prior === t
    ? `op ${txnOp(txns, t)} appended ${show(v)} to key ${showKey(k)} twice; list-append needs every appended value to be unique per key`
    : `value ${show(v)} was appended to key ${showKey(k)} by both op ${txnOp(txns, prior)} and op ${txnOp(txns, t)}; list-append needs every appended value to be unique per key`;
}

/** Index of the last micro-op before `j` with this f and key, or -1. */
function lastMopOn(mops: readonly MicroOp[], j: number, k: Key, f: string): number {
  for (let i = j - 1; i >= 0; i--) if (mops[i]![0] === f && mops[i]![1] === k) return i;
  return -1;
}
