import type { MicroOp } from '../../harness/history/op.ts';
import { firstDifference, LIST_LIMIT } from '../../harness/abbreviate.ts';
import type { AnomalyList } from '../anomaly-list.ts';
import type { EdgeKind } from '../explanations.ts';
import type { TxnAnalysis } from './check-transactions.ts';
import type { StepWhy } from './explain.ts';
import { Rel, type DepGraphBuilder } from './graph.ts';
import { LostUpdates, txnOp } from './txn-anomalies.ts';
import { grownInt32, grownUint8, int32s, uint8s } from './typed-arrays.ts';
import { FAIL, INFO, OK, type Key, type Txns } from './txns.ts';
import { duplicates, isPrefix, listEqual, sameValue, show, showKey, vkey } from './values.ts';

const EMPTY: readonly unknown[] = [];

/** Per key: the version order recovered from the longest read, and its appended elements. */
interface KeyState {
  key: Key;
  /** Element (by {@link vkey}) → slot id. */
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
  incompatibleSeen: boolean;
}

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
  private intermediate: Uint8Array;
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
    this.intermediate = uint8s(capacity);
  }

  private keyState(k: Key): KeyState {
    let ks = this.keys.get(k);
    if (!ks) {
      ks = { key: k, slots: new Map(), longest: null, longestTxn: -1, order: [], unread: [], firstFailed: -1, firstDuplicate: -1, incompatibleSeen: false };
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

  private grow(): void {
    this.writer = grownInt32(this.writer, 0, -1);
    this.pos = grownInt32(this.pos, 0, -1);
    this.intermediate = grownUint8(this.intermediate, 0);
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
          if (before >= 0) this.intermediate[mopSlot[base + before]!] = 1;
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
        this.internalAndFutureReads(t, mops);
        lost.add(t, mops);
      }
    }
    if (!this.duplicateAppend) lost.report(txns, this.anomalies);
  }

  /** Pass 2: each key's version order, unread appends, aborted and duplicate elements, dirty updates. */
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
      }
      for (const slot of ks.slots.values()) {
        const w = writer[slot]!;
        if (pos[slot] === -1 && w >= 0 && txns.type[w] !== FAIL) ks.unread.push(slot);
      }
      this.dirtyUpdates(ks);
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
            if (this.intermediate[slot]) this.intermediateRead(t, w, ks.key, list);
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
      this.abortedReads(t, ks, list, 0);
      this.duplicateElements(t, ks, list);
      return;
    }
    if (ks.firstFailed >= 0 && list.length > ks.firstFailed) this.abortedReads(t, ks, list, ks.firstFailed);
    if (ks.firstDuplicate >= 0 && list.length > ks.firstDuplicate) this.duplicateElements(t, ks, list);
  }

  private abortedReads(t: number, ks: KeyState, list: readonly unknown[], from: number): void {
    const { txns, writer } = this;
    for (let i = from; i < list.length; i++) {
      const slot = ks.slots.get(vkey(list[i]));
      const w = slot === undefined ? -1 : writer[slot]!;
      if (w < 0 || txns.type[w] !== FAIL) continue;
      this.anomalies.add({
        type: 'G1a',
        key: ks.key,
        ops: [txnOp(txns, t), txnOp(txns, w)],
        explanation: { reader: txnOp(txns, t), writer: txnOp(txns, w), key: ks.key, element: list[i], read: list },
        text: `op ${txnOp(txns, t)} read key ${showKey(ks.key)} = ${show(list, [i])}, observing ${show(list[i])}, which op ${txnOp(txns, w)} appended in a transaction that failed (aborted read)`,
      });
    }
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

  /**
   * Elle's dirty update: in a key's version order, appends by failed transactions are followed by
   * one that committed. Appends of crashed (info) transactions neither start nor end such a run.
   */
  private dirtyUpdates(ks: KeyState): void {
    const { txns, writer } = this;
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
          const values = [...run, slot].map((s) => this.values[s]);
          this.anomalies.add({
            type: 'dirty-update',
            key: ks.key,
            ops: [txnOp(txns, failedFirst), txnOp(txns, w)],
            explanation: { key: ks.key, values, failed: txnOp(txns, failedFirst), committed: txnOp(txns, w) },
            text:
              `key ${showKey(ks.key)}'s version order has ${show(values.slice(0, -1))} from op ${txnOp(txns, failedFirst)}, a transaction that failed, ` +
              `then ${show(values[values.length - 1])} appended on top by op ${txnOp(txns, w)}, which committed (dirty update)`,
          });
        }
        failedFirst = -1;
        run = [];
      }
    }
  }

  /**
   * Elle's internal consistency (a read disagrees with the transaction's own earlier reads and
   * appends to that key) and future reads (a read observes an append the transaction makes later).
   */
  private internalAndFutureReads(t: number, mops: readonly MicroOp[]): void {
    const { txns } = this;
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
          this.anomalies.add({
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
      this.anomalies.add({
        type: 'internal',
        key: k,
        ops: [op],
        explanation: { op, key: k, read: list, expected: expected.tail, expectedPrefixKnown: expected.known, mop: j },
        text: `op ${op} read key ${showKey(k)} = ${show(list, differ)}, but its own earlier micro-ops on ${showKey(k)} imply ${shown}`,
      });
    }
  }
}

/** Where the elements of `of` occur in `list`: the positions the text must keep visible. */
function occurrences(list: readonly unknown[], of: readonly { element: unknown }[]): number[] {
  const wanted = new Set(of.map((d) => vkey(d.element)));
  const at: number[] = [];
  for (let i = 0; i < list.length; i++) if (wanted.has(vkey(list[i]))) at.push(i);
  return at;
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

function contains(list: readonly unknown[], v: unknown): boolean {
  for (const e of list) if (sameValue(e, v)) return true;
  return false;
}

function duplicateAppendMessage(txns: Txns, prior: number, t: number, k: Key, v: unknown): string {
  return prior === t
    ? `op ${txnOp(txns, t)} appended ${show(v)} to key ${showKey(k)} twice; list-append needs every appended value to be unique per key`
    : `value ${show(v)} was appended to key ${showKey(k)} by both op ${txnOp(txns, prior)} and op ${txnOp(txns, t)}; list-append needs every appended value to be unique per key`;
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

/** Index of the last micro-op before `j` with this f and key, or -1. */
function lastMopOn(mops: readonly MicroOp[], j: number, k: Key, f: string): number {
  for (let i = j - 1; i >= 0; i--) if (mops[i]![0] === f && mops[i]![1] === k) return i;
  return -1;
}
