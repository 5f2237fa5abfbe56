import type { History } from '../../harness/history/op.ts';
import { InputError } from '../../harness/errors.ts';
import { AnomalyList } from '../anomaly-list.ts';
import type { CheckOptions, Checker } from '../checker.ts';
import type { CheckResult, Validity } from '../../harness/result.ts';
import { vacuousResult } from '../vacuous.ts';
import { SESSION_MODELS } from './lattice.ts';
import { anomaliesProhibitedBy, impossibleModels, parseConsistencyModel, weakestModels } from './models.ts';
import { txnOp } from './txn-anomalies.ts';
import { FAIL, OK, collectTxns, type Key, type Txns } from './txns.ts';
import { show, showKey, vkey } from './values.ts';

/**
 * Session guarantees and causal consistency over list-append histories (Terry et al.'s session
 * guarantees; causal consistency as vector-clock stores promise it). Appends are unique per key,
 * so a read of a key is the exact set of appends it saw, in version order.
 *
 * The causal past of a transaction is everything before it in its process (ok transactions, in
 * order) or read by it, transitively: a vector clock per transaction, `process → the last of
 * that process's transactions in the past`, computed in a topological order of process order
 * and reads-from. A read of key k in transaction T must show every append to k in T's causal
 * past, and in every observed append's causal past; each one missing is a violation, named by
 * the most specific guarantee it breaks:
 *
 * - read-your-writes: T's own process appended it earlier;
 * - monotonic-reads: T's process had already read it (reads never go back);
 * - monotonic-writes: the process that appended an observed element had appended it earlier
 *   (also: the read shows that process's appends out of order);
 * - writes-follow-reads: that process had read it before appending the observed element;
 * - causal: it is in the causal past only transitively.
 *
 * Reads-from or process order forming a cycle is a `causal-cycle`. Only ok transactions of a
 * process bind it; an indeterminate append binds only once someone has read it. Cost: a vector
 * clock per transaction, so time and memory grow with transactions × process ids (Jepsen gives
 * a crashed process a new id): 10,000 transactions take 0.6 s; 100,000 with 949 process ids
 * take 25 s of CPU and 2 GB (a simulated store, measured on a loaded 2-core machine).
 */
export const sessionChecker: Checker = {
  name: 'session',
  options: ['consistencyModel'],
  meanings: {
    'read-your-writes-violation': 'a process did not see its own earlier write',
    'monotonic-reads-violation': 'a process read an older state than it had already read (reads went back in time)',
    'monotonic-writes-violation': 'a reader saw a process\'s later write without its earlier one, or in the wrong order',
    'writes-follow-reads-violation': 'a reader saw a write without what its writer had read before writing it',
    'causal-violation': 'a reader missed a write that causally precedes what it saw (through a chain of reads and process order)',
    'causal-cycle': 'reads-from and process order form a cycle: no causal order explains the history',
  },
  description: `session guarantees and causal consistency of list-append histories (--consistency-model ${SESSION_MODELS.join('|')}; default causal)`,
  check: (history, options) => checkSession(history, options),
  validateOptions(options) {
    try {
      sessionModel(options.consistencyModel);
    } catch (err) {
      return (err as Error).message;
    }
    return undefined;
  },
};

function sessionModel(value: unknown): string {
  if (value === undefined || value === null) return 'causal';
  const m = parseConsistencyModel(value);
  if (!SESSION_MODELS.includes(m)) throw new InputError(`the session checker judges ${SESSION_MODELS.join(', ')}; ${JSON.stringify(value)} is checked by list-append or rw-register`);
  return m;
}

type Guarantee = 'read-your-writes' | 'monotonic-reads' | 'monotonic-writes' | 'writes-follow-reads' | 'causal';

/** Where an element came from: its appending transaction, that transaction's process and place in it. */
interface Append {
  txn: number;
  process: number;
  seq: number;
}

export function checkSession(history: History, options: CheckOptions): CheckResult {
  const model = sessionModel(options.consistencyModel);
  const txns = collectTxns(history, 'session', ['append', 'r'], (v) => v === null || Array.isArray(v), 'a list (or null for a missing key)');
  const s = new Sessions(txns);
  const dup = s.indexAppends();
  if (dup) return { checker: 'session', valid: 'unknown', anomalyTypes: [], anomalies: [], error: dup };
  const anomalies = new AnomalyList();
  const reads = s.analyze(anomalies);
  if (reads === 0) return vacuousResult('session', true, 'no transaction read a key after it was written by anyone, so no session could see a stale state');
  const prohibited = anomaliesProhibitedBy(model);
  const found = anomalies.types();
  const kept = anomalies.list((t) => prohibited.has(t));
  const valid: Validity = kept.length > 0 ? false : true;
  const notModels = impossibleModels(found);
  return {
    checker: 'session',
    valid,
    anomalyTypes: [...new Set(kept.map((a) => a.type))].sort(),
    anomalies: kept,
    notModels,
    details: { consistencyModel: model, weakestNotModels: weakestModels(notModels), reads, anomalyCounts: anomalies.countsOf(), allowedAnomalyTypes: found.filter((t) => !prohibited.has(t)) },
  };
}

class Sessions {
  /** Per key: element (vkey) → its append. */
  private readonly appends = new Map<Key, Map<unknown, Append>>();
  /** Per process and key: its ok appends' elements, by process sequence number. */
  private readonly ownAppends = new Map<number, Map<Key, { seq: number; element: unknown }[]>>();
  /** Position of each transaction in its process (non-failed transactions, in order). */
  private readonly seq: Int32Array;
  /** Per process: its ok transactions by position, as far as the sweep has come. */
  private readonly byProcess = new Map<number, number[]>();

  constructor(private readonly txns: Txns) {
    this.seq = new Int32Array(txns.count).fill(-1);
  }

  /** Indexes every append; refuses (unknown) a history that appends one element twice to a key. */
  indexAppends(): string | undefined {
    const { txns } = this;
    const next = new Map<number, number>();
    for (let t = 0; t < txns.count; t++) {
      if (txns.type[t] === FAIL) continue;
      const p = txns.process[t]!;
      const s = next.get(p) ?? 0;
      next.set(p, s + 1);
      this.seq[t] = s;
      for (const [f, k, v] of txns.mops[t]!) {
        if (f !== 'append') continue;
        let byElement = this.appends.get(k);
        if (!byElement) this.appends.set(k, (byElement = new Map()));
        const e = vkey(v);
        if (byElement.has(e)) return `${show(v)} is appended to key ${showKey(k)} twice (ops ${txnOp(txns, byElement.get(e)!.txn)} and ${txnOp(txns, t)}); the session checker needs unique appends`;
        byElement.set(e, { txn: t, process: p, seq: s });
        if (txns.type[t] !== OK) continue;
        let mine = this.ownAppends.get(p);
        if (!mine) this.ownAppends.set(p, (mine = new Map()));
        let list = mine.get(k);
        if (!list) mine.set(k, (list = []));
        list.push({ seq: s, element: e });
      }
    }
    return undefined;
  }

  /** Checks every ok read; returns how many reads could have seen a stale state. */
  analyze(anomalies: AnomalyList): number {
    const { txns } = this;
    const clocks = this.vectorClocks(anomalies);
    let reads = 0;
    for (let t = 0; t < txns.count; t++) {
      if (txns.type[t] !== OK) continue;
      this.ofProcess(txns.process[t]!)[this.seq[t]!] = t;
      // Every append this transaction observed, on any key: its reads are one snapshot.
      const observed: Append[] = [];
      for (const [f, k, v] of txns.mops[t]!) {
        if (f !== 'r' || !Array.isArray(v)) continue;
        for (const e of v) {
          const a = this.appends.get(k)?.get(vkey(e));
          if (a && a.txn !== t) observed.push(a);
        }
      }
      for (const [f, k, v] of txns.mops[t]!) {
        if (f !== 'r' || !this.appends.has(k)) continue;
        reads++;
        const clock = clocks[t];
        // On a causal cycle there is no causal past to judge by (the cycle is reported).
        if (clock) this.checkRead(t, k, v as unknown[] | null, clock, clocks, observed, anomalies);
      }
    }
    return reads;
  }

  /**
   * The writers whose causal pasts cover those of all of `appends`: per process its latest ok
   * transaction among them (process order puts the earlier ones in its past), and every
   * indeterminate one. Keeps clock merging at one clock per process, not one per element read.
   */
  private latestWriters(appends: readonly Append[]): number[] {
    const latest = new Map<number, Append>();
    const out: number[] = [];
    for (const a of appends) {
      if (this.txns.type[a.txn] !== OK) out.push(a.txn);
      else if ((latest.get(a.process)?.seq ?? -1) < a.seq) latest.set(a.process, a);
    }
    for (const a of latest.values()) out.push(a.txn);
    return out;
  }

  /** A process's transactions by sequence number (ok ones, filled in as the sweep reaches them). */
  private ofProcess(p: number): number[] {
    let list = this.byProcess.get(p);
    if (!list) this.byProcess.set(p, (list = []));
    return list;
  }

  private checkRead(t: number, k: Key, raw: unknown[] | null, clock: Map<number, number>, clocks: Map<number, number>[], observed: readonly Append[], anomalies: AnomalyList): void {
    const { txns } = this;
    const p = txns.process[t]!;
    const byElement = this.appends.get(k)!;
    const list = (raw ?? []).map(vkey);
    // How many of each process's appends this read shows, at or below a sequence number: the
    // read shows every required append of q iff it shows as many as q made up to the bound.
    const shown = new Map<number, number[]>();
    for (const e of list) {
      const a = byElement.get(e);
      if (!a || a.txn === t) continue;
      const l = shown.get(a.process);
      if (l) l.push(a.seq);
      else shown.set(a.process, [a.seq]);
    }
    for (const l of shown.values()) l.sort((x, y) => x - y);
    // Required: k's appends in T's causal past (its process's past and what it observed), and
    // in the past of each append this read observed: the maximum bound per process.
    const bound = new Map(clock);
    const seen: Append[] = [];
    for (const e of list) {
      const a = byElement.get(e);
      if (a && a.txn !== t) seen.push(a);
    }
    for (const w of this.latestWriters(seen)) {
      const c = clocks[w];
      if (c) for (const [q, upTo] of c) if ((bound.get(q) ?? -1) < upTo) bound.set(q, upTo);
    }
    const present = new Set(list);
    const missing = new Map<Guarantee, unknown[]>();
    const blame = (g: Guarantee, e: unknown) => {
      const l = missing.get(g);
      if (l) l.push(e);
      else missing.set(g, [e]);
    };
    for (const [q, upTo] of bound) {
      const own = this.ownAppends.get(q)?.get(k);
      if (!own) continue;
      const required = countUpTo(own, upTo, (w) => w.seq);
      const got = countUpTo(shown.get(q) ?? [], upTo, (x) => x);
      if (got >= required) continue;
      for (let i = 0; i < required; i++) {
        const w = own[i]!;
        const a = byElement.get(w.element)!;
        if (!present.has(w.element) && a.txn !== t) blame(this.classify(p, this.seq[t]!, k, w.element, a, observed), w.element);
      }
    }
    // Monotonic writes also fix the order: one process's appends appear in the order it made them.
    const lastSeq = new Map<number, number>();
    for (const e of list) {
      const a = byElement.get(e);
      if (!a) continue;
      const before = lastSeq.get(a.process);
      if (before !== undefined && before > a.seq) blame('monotonic-writes', e);
      lastSeq.set(a.process, Math.max(before ?? -1, a.seq));
    }
    for (const [g, elements] of missing) {
      const writers = [...new Set(elements.map((e) => byElement.get(e)!.txn))].map((w) => txnOp(txns, w));
      const reader = txnOp(txns, t);
      anomalies.add({
        type: `${g}-violation`,
        key: k,
        ops: [reader, ...writers],
        explanation: { reader, key: k, read: raw, elements: elements.map(original), writers, guarantee: g },
        text: `op ${reader} (process ${p}) read key ${showKey(k)} = ${show(raw ?? [])}, ${WHY[g]}: ${elements.map((e) => show(original(e))).join(', ')} (appended by op ${writers.join(', op ')})`,
      });
    }
  }

  /**
   * The most specific guarantee that required element `e` (appended by `a`) in this read. Only
   * a violation gets here, so looking back through a process's earlier reads is affordable.
   */
  private classify(p: number, seq: number, k: Key, e: unknown, a: Append, observed: readonly Append[]): Guarantee {
    if (a.process === p && a.seq < seq && this.txns.type[a.txn] === OK) return 'read-your-writes';
    if (this.readBefore(p, seq, k, e)) return 'monotonic-reads';
    for (const w of observed) {
      if (a.process === w.process && a.seq < w.seq && this.txns.type[a.txn] === OK) return 'monotonic-writes';
      if (this.readBefore(w.process, w.seq, k, e)) return 'writes-follow-reads';
    }
    return 'causal';
  }

  /** Did process `p` read element `e` of key `k` in an ok transaction before its `seq`-th? */
  private readBefore(p: number, seq: number, k: Key, e: unknown): boolean {
    const mine = this.byProcess.get(p) ?? [];
    for (let s = Math.min(seq, mine.length) - 1; s >= 0; s--) {
      const t = mine[s];
      if (t === undefined) continue;
      for (const [f, key, v] of this.txns.mops[t]!) if (f === 'r' && key === k && Array.isArray(v) && v.some((x) => vkey(x) === e)) return true;
    }
    return false;
  }

  /**
   * A vector clock per transaction (process → highest sequence number in its causal past,
   * itself included), in a topological order of process order and reads-from; `undefined` for
   * transactions on a cycle, which is reported.
   */
  private vectorClocks(anomalies: AnomalyList): Map<number, number>[] {
    const { txns } = this;
    const preds: number[][] = Array.from({ length: txns.count }, () => []);
    const lastOk = new Map<number, number>();
    for (let t = 0; t < txns.count; t++) {
      if (txns.type[t] === FAIL) continue;
      const p = txns.process[t]!;
      const prev = lastOk.get(p);
      if (prev !== undefined) preds[t]!.push(prev);
      if (txns.type[t] === OK) lastOk.set(p, t);
      if (txns.type[t] !== OK) continue;
      const observed: Append[] = [];
      for (const [f, k, v] of txns.mops[t]!) {
        if (f !== 'r' || !Array.isArray(v)) continue;
        const byElement = this.appends.get(k);
        for (const e of v) {
          const a = byElement?.get(vkey(e));
          if (a && a.txn !== t) observed.push(a);
        }
      }
      for (const w of this.latestWriters(observed)) preds[t]!.push(w);
    }
    const clocks = new Array<Map<number, number>>(txns.count);
    const succs: number[][] = Array.from({ length: txns.count }, () => []);
    const waiting = new Int32Array(txns.count);
    for (let t = 0; t < txns.count; t++) {
      const ps = [...new Set(preds[t]!)];
      preds[t] = ps;
      waiting[t] = ps.length;
      for (const q of ps) succs[q]!.push(t);
    }
    const ready: number[] = [];
    for (let t = 0; t < txns.count; t++) if (txns.type[t] !== FAIL && waiting[t] === 0) ready.push(t);
    let done = 0;
    while (ready.length > 0) {
      const t = ready.pop()!;
      done++;
      const c = new Map<number, number>();
      for (const q of preds[t]!) for (const [proc, s] of clocks[q]!) if ((c.get(proc) ?? -1) < s) c.set(proc, s);
      c.set(txns.process[t]!, Math.max(c.get(txns.process[t]!) ?? -1, this.seq[t]!));
      clocks[t] = c;
      for (const u of succs[t]!) {
        waiting[u] = waiting[u]! - 1;
        if (waiting[u] === 0) ready.push(u);
      }
    }
    const live = [...Array(txns.count).keys()].filter((t) => txns.type[t] !== FAIL);
    if (done < live.length) {
      const stuck = live.filter((t) => clocks[t] === undefined).slice(0, 10);
      const ops = stuck.map((t) => txnOp(txns, t));
      anomalies.add({
        type: 'causal-cycle',
        ops,
        explanation: { ops },
        text: `process order and reads-from form a cycle among ops ${ops.join(', ')}${stuck.length === 10 ? ', …' : ''}: each (transitively) read what a later one wrote, so no causal order exists`,
      });
    }
    return clocks;
  }
}

const WHY: Record<Guarantee, string> = {
  'read-your-writes': 'missing what its own process had appended earlier',
  'monotonic-reads': 'missing what its own process had already read (the read went back in time)',
  'monotonic-writes': 'missing, or showing out of order, an append its writer made before one this read observed',
  'writes-follow-reads': 'missing what the writer of an observed element had read before appending it',
  causal: 'missing an append in the causal past of this read (through a chain of reads and process order)',
};

/** How many of `sorted` (ascending by `at`) are at most `bound`. */
function countUpTo<T>(sorted: readonly T[], bound: number, at: (x: T) => number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at(sorted[mid]!) <= bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Element back from its vkey (objects were keyed by their JSON). */
function original(e: unknown): unknown {
  return typeof e === 'string' && e.startsWith('\u0000') ? JSON.parse(e.slice(1)) : e;
}
