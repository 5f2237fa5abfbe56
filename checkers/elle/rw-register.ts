import type { MicroOp } from '../../harness/history/op.ts';
import type { AnomalyList } from '../anomaly-list.ts';
import type { CheckOptions } from '../checker.ts';
import type { EdgeKind } from '../explanations.ts';
import type { TxnAnalysis } from './check-transactions.ts';
import type { StepWhy } from './explain.ts';
import { Rel, type DepGraphBuilder } from './graph.ts';
import { garbageRead, LostUpdates, txnOp } from './txn-anomalies.ts';
import { FAIL, OK, type Key, type Txns } from './txns.ts';
import { sameValue, show, showKey, vkey } from './values.ts';

/** Where a version order edge came from (Elle's version graph sources). */
export type VersionSource = 'initial-state' | 'writes-follow-reads' | 'sequential-keys' | 'linearizable-keys';

/** Per key: written values, who wrote and read them, and the (partial) version order. */
interface RegisterKey {
  key: Key;
  /** Value (by {@link vkey}) → slot. Slot 0 of every key is its initial state, null. */
  slots: Map<unknown, number>;
  values: unknown[];
  writer: number[];
  intermediate: boolean[];
  readers: number[][];
  /** Version order edges: slot → later slots. */
  next: Set<number>[];
}

interface Externals {
  reads: Map<Key, unknown>;
  writes: Map<Key, unknown>;
}

/**
 * Elle's rw-register analysis. Register values reveal far less than lists: a read names the
 * write it saw (wr), but which write came next is only known where something orders the
 * versions. The sources, each added only if it keeps every key's version order acyclic:
 *
 * - initial-state (always): the initial null precedes every written value;
 * - writes-follow-reads (default on; `wfrKeys: false` turns it off): a committed transaction that
 *   reads x = a and then writes x = b puts a before b;
 * - sequential-keys (`sequentialKeys`): each process observes each key's versions in order, sound
 *   only for databases claiming sequential consistency per key;
 * - linearizable-keys (`linearizableKeys`): realtime order orders versions, sound only for
 *   databases claiming per-key linearizability (strict serializability implies it).
 *
 * From the version order: ww (writers of consecutive versions) and rw (readers of a version to
 * the writer of the next).
 */
export function analyzeRwRegister(txns: Txns, anomalies: AnomalyList, options: CheckOptions): TxnAnalysis {
  const r = new RwRegister(txns, anomalies);
  const trouble = r.index();
  if (trouble) return { unknown: trouble, link: () => {}, why: () => undefined };
  const sources: VersionSource[] = ['initial-state'];
  if (options.wfrKeys !== false) sources.push('writes-follow-reads');
  if (options.sequentialKeys === true) sources.push('sequential-keys');
  if (options.linearizableKeys === true) sources.push('linearizable-keys');
  const used = r.versionOrders(sources);
  return {
    link: (builder) => r.link(builder),
    why: (a, b, kind) => r.why(a, b, kind),
    details: { keys: r.keys.size, versionOrderSources: used },
  };
}

class RwRegister {
  readonly keys = new Map<Key, RegisterKey>();
  private readonly ext: Externals[] = [];

  constructor(
    private readonly txns: Txns,
    private readonly anomalies: AnomalyList,
  ) {}

  private keyOf(k: Key): RegisterKey {
    let rk = this.keys.get(k);
    if (!rk) {
      rk = { key: k, slots: new Map([[null, 0]]), values: [null], writer: [-1], intermediate: [false], readers: [[]], next: [new Set()] };
      this.keys.set(k, rk);
    }
    return rk;
  }

  private slot(rk: RegisterKey, v: unknown): number {
    const vk = vkey(v);
    let s = rk.slots.get(vk);
    if (s === undefined) {
      s = rk.values.length;
      rk.slots.set(vk, s);
      rk.values.push(v);
      rk.writer.push(-1);
      rk.intermediate.push(false);
      rk.readers.push([]);
      rk.next.push(new Set());
    }
    return s;
  }

  /** Writers, external reads and writes, and the anomalies visible in single transactions. */
  index(): string | undefined {
    const { txns } = this;
    const lost = new LostUpdates('w', false);
    for (let t = 0; t < txns.count; t++) {
      const mops = txns.mops[t]!;
      const ext = externals(mops);
      this.ext.push(ext);
      const ok = txns.type[t] === OK;
      for (let j = 0; j < mops.length; j++) {
        const [f, k, v] = mops[j]!;
        const rk = this.keyOf(k);
        if (f === 'w') {
          if (v === null) return `op ${txnOp(txns, t)} wrote null to key ${showKey(k)}; rw-register reserves null for the initial state`;
          const s = this.slot(rk, v);
          if (rk.writer[s]! >= 0 && rk.writer[s] !== t) {
            return `value ${show(v)} was written to key ${showKey(k)} by both op ${txnOp(txns, rk.writer[s]!)} and op ${txnOp(txns, t)}; rw-register needs every written value to be unique per key`;
          }
          rk.writer[s] = t;
          if (laterWrite(mops, j, k)) rk.intermediate[s] = true;
        }
      }
      if (!ok) continue;
      for (const [k, v] of ext.reads) this.keyOf(k).readers[this.slot(this.keyOf(k), v)]!.push(t);
      this.internal(t, mops);
      lost.add(t, mops);
    }
    this.abortedAndIntermediateReads();
    lost.report(txns, this.anomalies);
    return undefined;
  }

  /** Reads of values a failed transaction wrote (G1a), nobody wrote (garbage), or were overwritten within their transaction (G1b). */
  private abortedAndIntermediateReads(): void {
    const { txns } = this;
    for (let t = 0; t < txns.count; t++) {
      if (txns.type[t] !== OK) continue;
      for (const [f, k, v] of txns.mops[t]!) {
        if (f !== 'r' || v === null) continue;
        const rk = this.keys.get(k)!;
        const s = rk.slots.get(vkey(v));
        const w = s === undefined ? -1 : rk.writer[s]!;
        if (w < 0) garbageRead(txns, this.anomalies, t, k, v);
        if (w < 0 || w === t) continue;
        const op = txnOp(txns, t);
        const wop = txnOp(txns, w);
        if (txns.type[w] === FAIL) {
          this.anomalies.add({
            type: 'G1a',
            key: k,
            ops: [op, wop],
            explanation: { reader: op, writer: wop, key: k, value: v },
            text: `op ${op} read key ${showKey(k)} = ${show(v)}, which op ${wop} wrote in a transaction that failed (aborted read)`,
          });
        }
        if (rk.intermediate[s!]) {
          this.anomalies.add({
            type: 'G1b',
            key: k,
            ops: [op, wop],
            explanation: { reader: op, writer: wop, key: k, value: v },
            text: `op ${op} read key ${showKey(k)} = ${show(v)}, an intermediate write: op ${wop} wrote ${showKey(k)} again later in the same transaction (intermediate read)`,
          });
        }
      }
    }
  }

  /** Elle's internal consistency: a read disagrees with the transaction's own last read or write of the key. */
  private internal(t: number, mops: readonly MicroOp[]): void {
    const state = new Map<Key, unknown>();
    for (let j = 0; j < mops.length; j++) {
      const [f, k, v] = mops[j]!;
      if (f === 'r' && state.has(k) && !sameValue(state.get(k), v)) {
        const op = txnOp(this.txns, t);
        this.anomalies.add({
          type: 'internal',
          key: k,
          ops: [op],
          explanation: { op, key: k, read: v, expected: state.get(k), mop: j },
          text: `op ${op} read key ${showKey(k)} = ${show(v)}, but its own earlier micro-ops on ${showKey(k)} imply ${show(state.get(k))}`,
        });
        return;
      }
      state.set(k, v);
    }
  }

  /** Builds each key's version order from `sources`; returns the sources kept for some key. */
  versionOrders(sources: readonly VersionSource[]): VersionSource[] {
    const used = new Set<VersionSource>();
    for (const source of sources) {
      const proposed = this.versionEdges(source);
      for (const [rk, edges] of proposed) {
        const added = edges.filter(([a, b]) => a !== b && !rk.next[a]!.has(b));
        for (const [a, b] of added) rk.next[a]!.add(b);
        const cycle = findVersionCycle(rk);
        if (cycle) {
          for (const [a, b] of added) rk.next[a]!.delete(b);
          this.anomalies.add({
            type: 'cyclic-versions',
            key: rk.key,
            explanation: { key: rk.key, values: cycle.map((s) => rk.values[s]), source },
            text: `the ${source} inference orders key ${showKey(rk.key)}'s versions in a cycle ${cycle.map((s) => show(rk.values[s])).join(' < ')} < ${show(rk.values[cycle[0]!])}; that inference is not used for ${showKey(rk.key)}`,
          });
        } else if (added.length > 0) {
          used.add(source);
        }
      }
    }
    return sources.filter((s) => used.has(s));
  }

  private versionEdges(source: VersionSource): Map<RegisterKey, [number, number][]> {
    const { txns } = this;
    const out = new Map<RegisterKey, [number, number][]>();
    const add = (k: Key, a: unknown, b: unknown) => {
      const rk = this.keys.get(k)!;
      let list = out.get(rk);
      if (!list) out.set(rk, (list = []));
      list.push([this.slot(rk, a), this.slot(rk, b)]);
    };
    if (source === 'initial-state') {
      for (const rk of this.keys.values()) for (let s = 1; s < rk.values.length; s++) add(rk.key, null, rk.values[s]);
      return out;
    }
    if (source === 'writes-follow-reads') {
      for (let t = 0; t < txns.count; t++) {
        if (txns.type[t] !== OK) continue;
        const { reads, writes } = this.ext[t]!;
        for (const [k, v] of reads) if (writes.has(k)) add(k, v, writes.get(k));
      }
      return out;
    }
    // Process or realtime order between committed transactions touching the same key: the
    // last version the first one saw or made precedes the first version the second one saw.
    const touching = new Map<Key, number[]>();
    for (let t = 0; t < txns.count; t++) {
      if (txns.type[t] !== OK) continue;
      const { reads, writes } = this.ext[t]!;
      for (const k of new Set([...reads.keys(), ...writes.keys()])) {
        let list = touching.get(k);
        if (!list) touching.set(k, (list = []));
        list.push(t);
      }
    }
    const last = (t: number, k: Key) => (this.ext[t]!.writes.has(k) ? this.ext[t]!.writes.get(k) : this.ext[t]!.reads.get(k));
    const first = (t: number, k: Key) => (this.ext[t]!.reads.has(k) ? this.ext[t]!.reads.get(k) : this.ext[t]!.writes.get(k));
    for (const [k, ts] of touching) {
      for (const [a, b] of source === 'sequential-keys' ? processPairs(txns, ts) : realtimePairs(txns, ts)) add(k, last(a, k), first(b, k));
    }
    return out;
  }

  link(builder: DepGraphBuilder): void {
    const type = this.txns.type;
    const live = (w: number) => w >= 0 && type[w] !== FAIL;
    for (const rk of this.keys.values()) {
      for (let s = 1; s < rk.values.length; s++) {
        const w = rk.writer[s]!;
        if (live(w) && !rk.intermediate[s]) for (const r of rk.readers[s]!) builder.link(w, r, Rel.wr);
      }
      for (let a = 0; a < rk.values.length; a++) {
        for (const b of rk.next[a]!) {
          const wb = rk.writer[b]!;
          if (!live(wb) || rk.intermediate[b]) continue;
          const wa = rk.writer[a]!;
          if (live(wa) && !rk.intermediate[a]) builder.link(wa, wb, Rel.ww);
          for (const r of rk.readers[a]!) builder.link(r, wb, Rel.rw);
        }
      }
    }
  }

  why(a: number, b: number, kind: EdgeKind): StepWhy | undefined {
    const ea = this.ext[a]!;
    const eb = this.ext[b]!;
    if (kind === 'wr') {
      for (const [k, v] of ea.writes) {
        if (eb.reads.has(k) && sameValue(eb.reads.get(k), v)) {
          return { key: k, value: v, render: (x, y) => `${y} observed ${x}'s write of ${show(v)} to key ${showKey(k)}` };
        }
      }
    }
    const from = kind === 'ww' ? ea.writes : kind === 'rw' ? ea.reads : undefined;
    if (!from) return undefined;
    for (const [k, v] of from) {
      if (!eb.writes.has(k)) continue;
      const rk = this.keys.get(k)!;
      const v2 = eb.writes.get(k);
      if (!rk.next[rk.slots.get(vkey(v))!]!.has(rk.slots.get(vkey(v2))!)) continue;
      const later = `, which came later in the version order`;
      if (kind === 'ww') return { key: k, value: v, nextValue: v2, render: (x, y) => `${x} set key ${showKey(k)} to ${show(v)}, and ${y} set it to ${show(v2)}${later}` };
      if (v === null) {
        return { key: k, initial: true, nextValue: v2, render: (x, y) => `${x} read the initial (null) state of key ${showKey(k)}, and ${y} set it to ${show(v2)}${later}` };
      }
      return { key: k, value: v, nextValue: v2, render: (x, y) => `${x} read key ${showKey(k)} = ${show(v)}, and ${y} set it to ${show(v2)}${later}` };
    }
    return undefined;
  }
}

/** External reads (first read of a key, before any write of it) and writes (last write of a key). */
function externals(mops: readonly MicroOp[]): Externals {
  const reads = new Map<Key, unknown>();
  const writes = new Map<Key, unknown>();
  for (const [f, k, v] of mops) {
    if (f === 'w') writes.set(k, v);
    else if (!writes.has(k) && !reads.has(k)) reads.set(k, v);
  }
  return { reads, writes };
}

function laterWrite(mops: readonly MicroOp[], j: number, k: Key): boolean {
  for (let i = j + 1; i < mops.length; i++) if (mops[i]![0] === 'w' && mops[i]![1] === k) return true;
  return false;
}

/** Consecutive pairs per process among `ts` (committed transactions in invocation order). */
function processPairs(txns: Txns, ts: readonly number[]): [number, number][] {
  const last = new Map<number, number>();
  const pairs: [number, number][] = [];
  for (const t of ts) {
    const p = txns.process[t]!;
    const prev = last.get(p);
    if (prev !== undefined) pairs.push([prev, t]);
    last.set(p, t);
  }
  return pairs;
}

/** Realtime order among `ts` as a transitive reduction (the same frontier as the txn graph). */
function realtimePairs(txns: Txns, ts: readonly number[]): [number, number][] {
  const events: [number, number, boolean][] = [];
  for (const t of ts) {
    events.push([txns.invoke[t]!, t, true]);
    events.push([txns.complete[t]!, t, false]);
  }
  events.sort((a, b) => a[0] - b[0]);
  const pairs: [number, number][] = [];
  let frontier: number[] = [];
  const before = new Map<number, number[]>();
  for (const [, t, isInvoke] of events) {
    if (isInvoke) {
      for (const f of frontier) pairs.push([f, t]);
      before.set(t, frontier);
    } else {
      const b = before.get(t)!;
      frontier = [...frontier.filter((f) => !b.includes(f)), t];
    }
  }
  return pairs;
}

/** A cycle in one key's version order (as slots), or undefined. Iterative DFS. */
function findVersionCycle(rk: RegisterKey): number[] | undefined {
  const n = rk.values.length;
  const color = new Uint8Array(n);
  const parent = new Int32Array(n).fill(-1);
  for (let root = 0; root < n; root++) {
    if (color[root]) continue;
    const stack: [number, Iterator<number>][] = [[root, rk.next[root]!.values()]];
    color[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const step = top[1].next();
      if (step.done) {
        color[top[0]] = 2;
        stack.pop();
        continue;
      }
      const w = step.value;
      if (color[w] === 1) {
        const cycle = [w];
        for (let v = top[0]; v !== w; v = parent[v]!) cycle.push(v);
        return cycle.reverse();
      }
      if (color[w] === 0) {
        color[w] = 1;
        parent[w] = top[0];
        stack.push([w, rk.next[w]!.values()]);
      }
    }
  }
  return undefined;
}
